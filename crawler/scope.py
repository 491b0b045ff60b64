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

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlsplit, urlunsplit

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


# Query parameters that name a visit, not a page: dropped from the seen-key and the request.
TRACKING_PARAMS = frozenset("""
jsessionid phpsessid aspsessionid sessionid session_id sid from spm scm gclid fbclid msclkid yclid
_hsenc _hsmi mc_cid mc_eid
""".split())
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#;]*", re.IGNORECASE)
# A path naming the same segment this many times is a crawler trap (/a/b/a/b/a/b/...).
TRAP_REPEATS = 4
TRAP_SEGMENTS = 30
TRAP_URL_CHARS = 2000


def _is_tracking(pair: str) -> bool:
    key = unquote_plus(pair.split("=", 1)[0]).strip().lower()
    return key in TRACKING_PARAMS or key.startswith("utm_")


def _clean_query(query: str, sort: bool) -> str:
    pairs = [pair for pair in query.split("&") if pair and not _is_tracking(pair)]
    return "&".join(sorted(pairs) if sort else pairs)


def clean_url(url: str) -> str:
    """The URL to request: session IDs and tracking parameters removed, otherwise as written."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    if ";" not in path and not query:
        return url
    path = _PATH_SESSION.sub("", path)
    query = _clean_query(query, sort=False)
    return urlunsplit((scheme, netloc, path, query, fragment))


def normalize_url(url: str) -> str:
    """The key under which a URL is requested once per run.

    Host case and default port folded, session IDs and tracking parameters (utm_*, jsessionid,
    sid, from, spm, …) dropped, query parameters sorted: the same page under many query
    strings is one key. The links table keeps the URL as written.
    """
    scheme, netloc, path, query, _ = urlsplit(url)
    netloc = netloc.lower()
    if (scheme == "http" and netloc.endswith(":80")) or (scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    if ";" in path:
        path = _PATH_SESSION.sub("", path)
    if query:
        query = _clean_query(query, sort=True)
    return f"{scheme}://{netloc}{path or '/'}" + (f"?{query}" if query else "")


def url_pattern(url: str) -> str:
    """The shape of a URL: its path, and its query keys sorted with the values dropped.

    An endless calendar (/cal.html?year=2026&month=11) or one script under endless query
    strings is one pattern; the crawl fetches at most `max_pages_per_pattern` pages of each.
    The path is kept exactly: a CMS files every article under the same shape of path
    (/art/2026/11/18/art_123_456.html), and those are all real pages. Ever-deeper paths are
    is_trap's business.
    """
    parts = urlsplit(normalize_url(url))
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return parts.path + ("?" + "&".join(keys) if keys else "")


def is_trap(url: str) -> bool:
    """An ever-deeper path: a segment repeated TRAP_REPEATS times, too many segments, or too long."""
    if len(url) > TRAP_URL_CHARS:
        return True
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > TRAP_SEGMENTS:
        return True
    counts: dict[str, int] = {}
    for segment in segments:
        counts[segment] = counts.get(segment, 0) + 1
        if counts[segment] >= TRAP_REPEATS:
            return True
    return False


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
    hops: int = 0        # redirects followed to reach this URL

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


MAX_REDIRECTS = 10
FOLLOWED_SCHEMES = ("http", "https")


def _private_host(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_unspecified or address.is_multicast)


def redirect_refusal(site_url: str, location: str, hops: int = 0) -> str | None:
    """Why a redirect to `location` must not be followed (None: follow it).

    Only http(s) is followed; a public site's redirect to a private, loopback or link-local
    address (as an IP literal or localhost) is not (a site whose own host is private may);
    a chain stops after MAX_REDIRECTS hops.
    """
    try:
        parts = urlsplit(location)
    except ValueError:
        return "重定向地址无法解析，未跟随"
    if parts.scheme.lower() not in FOLLOWED_SCHEMES:
        return f"重定向到非 http(s) 地址（{parts.scheme or '无协议'}:），未跟随"
    if hops >= MAX_REDIRECTS:
        return f"重定向超过 {MAX_REDIRECTS} 次，未继续跟随"
    try:
        target_host = parts.hostname or ""
        parts.port
    except ValueError:
        return "重定向地址无法解析，未跟随"
    if _private_host(target_host) and not _private_host(urlsplit(site_url).hostname or ""):
        return "重定向到内网或本机地址，未跟随"
    return None
