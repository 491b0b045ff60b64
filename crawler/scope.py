"""Which URLs the crawl fetches, and how.

A link target is one of:
- `page`: on one of the run's sites and reached by navigation (a, area, frames, meta
  refresh) without an attachment or image extension: fetched with GET and parsed;
- `resource`: on one of the run's sites but an image, script, stylesheet or attachment:
  checked with HEAD (GET when HEAD is refused), its body never downloaded;
- `asset`: the site's own scripts and stylesheets: fetched whole and stored, since hidden
  links (暗链) are hidden by CSS and written by scripts;
- `external`: anywhere else: checked like a resource, if the site checks external links;
  a page linked by navigation is fetched with GET so what it serves now can be judged
  (a lapsed partner domain taken over by a gambling site);
- None: not fetchable (mailto:, tel:, javascript:, data:, …); other checks read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

NAVIGATION = {("a", "href"), ("area", "href"), ("iframe", "src"), ("frame", "src"), ("meta", "content")}

# Extensions whose targets are files to check, never pages to parse.
FILE_EXTENSIONS = frozenset("""
pdf doc docx xls xlsx ppt pptx wps et dps ofd rtf txt csv zip rar 7z gz tar bz2 xz
jpg jpeg png gif bmp webp svg ico tif tiff mp3 mp4 avi wmv flv mov mkv wav swf
css js json xml apk exe msi dmg iso ceb caj
""".split())


# Directory index documents: "/a/index.html" is the page "/a/" under another name.
# Only index.*: "default.html" is as often a page of its own as the directory index.
INDEX_NAMES = frozenset("index.html index.htm index.shtml index.jsp index.php index.asp index.aspx".split())


def normalize_url(url: str) -> str:
    """The key under which a URL is requested once per run (host case and default port folded)."""
    scheme, netloc, path, query, _ = urlsplit(url)
    netloc = netloc.lower()
    if (scheme == "http" and netloc.endswith(":80")) or (scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    return f"{scheme}://{netloc}{path or '/'}" + (f"?{query}" if query else "")


def canonical_url(url: str) -> str:
    """The page a URL names: "/a/index.html" and "/a/" are one page under two names."""
    key = normalize_url(url)
    base, sep, query = key.partition("?")
    head, _, last = base.rpartition("/")
    if last.lower() in INDEX_NAMES:
        base = head + "/"
    return base + sep + query


def extension(path: str) -> str:
    """Lower-case file extension of a URL path ("" when none)."""
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


@dataclass(frozen=True, slots=True)
class Fetch:
    """What a request is for: carried in request.meta and stored with its outcome."""

    url: str
    site: str
    kind: str          # page | resource | external | probe
    depth: int = 0
    referrer: str | None = None
    method: str = "GET"
    read: bool = False   # keep the body (an asset, or an external page to judge)

    def but(self, **changes) -> "Fetch":
        values = {f: getattr(self, f) for f in self.__dataclass_fields__}
        values.update(changes)
        return Fetch(**values)


def fetch_mode(kind: str, tag: str, attr: str) -> tuple[str, bool]:
    """(method, read the body) for a target of `kind` linked as tag@attr."""
    if kind == "page":
        return "GET", False
    if kind == "asset" or (kind == "external" and (tag, attr) in NAVIGATION):
        return "GET", True
    return "HEAD", False


def classify(url: str, tag: str, attr: str, own_site: str, site_by_netloc: dict[str, str],
             rel: str = "") -> tuple[str | None, str]:
    """Return (kind, site id) for a link target found on a page of `own_site`.

    Targets on another site of the same run count as that site's pages, so each site's
    pages are fetched once and belong to the site that answers for them.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None, own_site
    netloc = parts.netloc.lower()
    site = site_by_netloc.get(netloc) or site_by_netloc.get(_default_port_netloc(parts))
    if site is None:
        return "external", own_site
    if (tag, attr) in NAVIGATION and extension(parts.path) not in FILE_EXTENSIONS:
        return "page", site
    if (tag, attr) == ("script", "src") or (tag == "link" and "stylesheet" in rel.lower()):
        return "asset", site
    return "resource", site


def _default_port_netloc(parts) -> str:
    """host:port spelt the other way (with or without the scheme's default port)."""
    host = (parts.hostname or "").lower()
    default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port
    except ValueError:
        return host
    if port in (None, default):
        return f"{host}:{default}" if port is None else host
    return f"{host}:{port}"
