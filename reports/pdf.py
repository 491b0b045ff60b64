"""PDF through LibreOffice (headless), when it is installed.

The DOCX names the fonts GB/T 9704 asks for (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312, 黑体),
which Windows offices have. On a machine without them the PDF is made from a copy whose
fonts are mapped to what is installed (Noto CJK), so the PDF still looks like a 公文.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

# GB font -> (installed alternatives in order, make it bold)
FALLBACKS: dict[str, tuple[tuple[str, ...], bool]] = {
    "方正小标宋简体": (("方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "Source Han Serif SC"), True),
    "仿宋_GB2312": (("仿宋", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"), False),
    "楷体_GB2312": (("楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC"), False),
    "黑体": (("SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"), False),
    "宋体": (("SimSun", "Noto Serif CJK SC", "AR PL UMing CN"), False),
}


def soffice() -> str | None:
    """The LibreOffice executable, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@lru_cache(maxsize=1)
def installed_fonts() -> frozenset[str]:
    """Font family names fontconfig knows (empty when fc-list is missing)."""
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names = set()
    for line in out.splitlines():
        names.update(name.strip() for name in line.split(","))
    return frozenset(names)


def font_map() -> dict[str, tuple[str, bool]]:
    """{GB font missing here: (installed replacement, bold)}."""
    fonts = installed_fonts()
    mapping = {}
    for wanted, (alternatives, bold) in FALLBACKS.items():
        if wanted in fonts:
            continue
        for alternative in alternatives:
            if alternative in fonts:
                mapping[wanted] = (alternative, bold)
                break
    return mapping


def _mapped_copy(docx: Path, target: Path) -> None:
    mapping = font_map()
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("word/") and item.filename.endswith(".xml") and mapping:
                text = data.decode("utf-8")
                for wanted, (replacement, bold) in mapping.items():
                    if bold:
                        text = re.sub(r'(<w:rFonts [^>]*w:eastAsia="' + re.escape(wanted) + r'"[^>]*/>)',
                                      r"\1<w:b/><w:bCs/>", text)
                    text = text.replace(f'"{wanted}"', f'"{replacement}"')
                data = text.encode("utf-8")
            out.writestr(item, data)


def to_pdf(docx: Path, out_dir: Path | None = None, timeout: float = 180) -> Path | None:
    """Convert `docx` to a PDF beside it (or in out_dir); None when LibreOffice is missing or fails."""
    executable = soffice()
    if executable is None:
        return None
    out_dir = out_dir or docx.parent
    with tempfile.TemporaryDirectory(prefix="xunjian-pdf-") as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / docx.name
        _mapped_copy(docx, source)
        command = [executable, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        produced = tmp_path / "out" / (docx.stem + ".pdf")
        if not produced.is_file():
            return None
        target = out_dir / produced.name
        shutil.move(str(produced), target)
        return target
