"""Check a new mock county data module's shape before it joins bench/:

    python3 validate.py FILE            (OK, or what is wrong)
    python3 validate.py --names         (the county names already used, one a line)

Run from the helpers' kit folder (see README.md): mock_checksums.py and used_names.txt beside it.
"""
import importlib.util, re, sys
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
if sys.argv[1:] == ["--names"]:
    for module in sorted(HERE.parent.glob("mocksite*_data.py")):
        found = re.search(r"portal \(([^,，)]*)", module.read_text("utf-8"))
        if found:
            print(found[1].replace("人民政府", ""))
    sys.exit(0)
from mock_checksums import id_valid, luhn_valid

path = Path(sys.argv[1])
errors = []
def err(msg): errors.append(msg)
spec = importlib.util.spec_from_file_location(path.stem, path)
m = importlib.util.module_from_spec(spec)
try:
    spec.loader.exec_module(m)
except Exception as e:
    print("IMPORT FAILED:", repr(e)); sys.exit(1)
doc = (m.__doc__ or "").split("\n")[0]
if not re.match(r"[A-Z][a-z -]+ fictional county portal \(.+, .+\) with planted errors, for bench/mocksite\.py\.$", doc):
    err(f"docstring first line wrong: {doc!r}")
if not isinstance(getattr(m, "COUNTY", None), str) or m.COUNTY not in doc:
    err("COUNTY missing or not in the docstring's first line")
used = set((HERE / "used_names.txt").read_text("utf-8").split()) if (HERE / "used_names.txt").exists() else set()
if getattr(m, "COUNTY", "") in used:
    err(f"county name {m.COUNTY} is already used")
if not re.fullmatch(r"www\.[a-z]+\.gov\.cn", getattr(m, "DOMAIN", "")):
    err("DOMAIN should look like www.name.gov.cn")
HALF = re.compile(r"[,;?!()]|(?<!\d):|:(?!\d)")
HALF_CTX = re.compile(r".{0,6}(?:[,;?!()]|(?<!\d):|:(?!\d)).{0,6}")
KEYS = ["ywdt", "xzdt", "tzgg", "rsxx", "zcwj", "tjxx"]
titles = getattr(m, "TITLES", {})
if list(titles) != KEYS:
    err(f"TITLES keys must be {KEYS}")
for k, v in titles.items():
    if len(v[1]) != 8: err(f"TITLES[{k}] needs 8 titles, has {len(v[1])}")
pools = getattr(m, "POOLS", {})
if sorted(pools) != sorted(KEYS): err("POOLS must have the six keys")
alltext = "".join(pools.values())
for k, p in pools.items():
    if not 1600 <= len(p) <= 2200: err(f"POOLS[{k}] has {len(p)} characters (1600-2100)")
    if "[[" in p or "|" in p: err(f"POOLS[{k}] holds a marker")
    tail = p.strip()
    if tail and tail[-1] not in "。！？": err(f"POOLS[{k}] must end a sentence")
    if HALF.search(p): err(f"POOLS[{k}] has half-width punctuation: {HALF_CTX.findall(p)[:3]}")
MARK = re.compile(r"\[\[(.+?)\|(.+?)\]\]")
def lines(name, n):
    text = getattr(m, name, "")
    ls = text.splitlines()
    if len(ls) != n: err(f"{name} needs exactly {n} lines, has {len(ls)}")
    for line in ls:
        marks = MARK.findall(line)
        if len(marks) != 1: err(f"{name}: need one marker: {line}"); continue
        wrong, right = marks[0]
        if wrong == right: err(f"{name}: wrong == right: {line}")
        if wrong in alltext: err(f"{name}: wrong text {wrong!r} appears in POOLS")
        plain = MARK.sub(lambda x: x[1], line)
        if plain[-1] not in "。！？": err(f"{name}: line must end with 。: {line}")
        if HALF.search(plain): err(f"{name}: half-width punctuation: {line}")
    return ls
lines("TYPO", 40)
lines("SEVERE", 13)
imp = getattr(m, "IMPROPER", [])
pos = [x for x in imp if x[2]]
if len(pos) < 10 or len(imp) - len(pos) < 7: err(f"IMPROPER: {len(pos)} positives, {len(imp)-len(pos)} negatives (want ~12 and ~9)")
for s, w, p in imp:
    if w not in s: err(f"IMPROPER: {w!r} not in its sentence")
old = getattr(m, "OLD_PAGE", None)
if not (old and old[0] in KEYS and 0 <= old[1] < 8 and old[2] < "2018"): err("OLD_PAGE must be (col, idx<8, date before 2018)")
for s, w in getattr(m, "OLD_PAGE_IMPROPER", []):
    if w not in s: err(f"OLD_PAGE_IMPROPER: {w!r} not in sentence")
priv = getattr(m, "PRIVACY", [])
ppos = [x for x in priv if x[2]]
if len(ppos) != 7 or len(priv) - len(ppos) < 5: err(f"PRIVACY: {len(ppos)} positives (7), {len(priv)-len(ppos)} negatives (6)")
for s, raw, p in priv:
    if raw not in s: err(f"PRIVACY: {raw!r} not in its sentence")
    if p:
        if len(raw) == 18 and raw[:6].isdigit() and not raw.isdigit() or (len(raw) == 18 and raw[6:8] in ("19", "20")):
            if not id_valid(raw): err(f"PRIVACY: invalid ID {raw}")
        elif re.fullmatch(r"1[3-9]\d{9}", raw): pass
        elif raw.isdigit() and 16 <= len(raw) <= 19:
            if not luhn_valid(raw): err(f"PRIVACY: card fails Luhn {raw}")
        else: err(f"PRIVACY: positive {raw!r} is not an ID, card or mobile")
if len(getattr(m, "GARBLED", [])) != 3: err("GARBLED needs exactly 3")
gbk = getattr(m, "GBK_PAGES", set())
if len(gbk) != 2: err("GBK_PAGES needs two pairs")
for col, i in gbk:
    try:
        pools[col].encode("gbk"); "".join(titles[col][1]).encode("gbk")
    except (UnicodeEncodeError, KeyError) as e: err(f"GBK page column {col}: {e}")
if not isinstance(getattr(m, "CSS", None), str): err("CSS missing")
if errors:
    print("\n".join(errors)); sys.exit(1)
print("OK")
