"""What went wrong with a fetch, as the error class stored in targets.error.

Reports and notifications group broken links by these classes ("dns", "timeout",
"http_4xx" ...), so the mapping from Twisted/Scrapy failures and HTTP statuses lives in one
place, apart from the spider that records them.
"""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from twisted.internet import error as net_error
from twisted.internet.defer import CancelledError, TimeoutError as DeferTimeoutError
from twisted.python.failure import Failure


def failure_class(failure: Failure) -> tuple[str, str]:
    """Map a Twisted failure to (error class, message) as stored in targets.error."""
    value = failure.value
    text = str(value)
    message = f"{type(value).__name__}: {text}"[:500]
    if failure.check(net_error.DNSLookupError, scrapy_errors.CannotResolveHostError):
        return "dns", message
    if failure.check(net_error.ConnectionRefusedError, scrapy_errors.DownloadConnectionRefusedError):
        return "refused", message
    if failure.check(net_error.TimeoutError, net_error.TCPTimedOutError, DeferTimeoutError,
                     scrapy_errors.DownloadTimeoutError):
        return "timeout", message
    if failure.check(CancelledError, scrapy_errors.DownloadCancelledError) and ("size" in text.lower() or not text):
        # Scrapy cancels a download over download_maxsize: with a message when the length was
        # announced, without one when the body (chunked, no length) grew past the cap.
        return "too_large", message
    if failure.check(IgnoreRequest) and "MAXSIZE" in text.upper():
        return "too_large", message     # decompressed body over the cap (a gzip bomb)
    if failure.check(IgnoreRequest):
        return ("robots" if "robots" in text.lower() else "ignored"), message
    if failure.check(scrapy_errors.UnsupportedURLSchemeError):
        return "invalid_url", message
    name = type(value).__name__
    if "SSL" in name or "TLS" in name or "ssl" in text.lower() or "certificate" in text.lower():
        return "tls", message
    if failure.check(net_error.ConnectionLost, net_error.ConnectionDone, scrapy_errors.ResponseDataLossError,
                     scrapy_errors.DownloadFailedError) or "ResponseFailed" in name \
            or "ResponseNeverReceived" in name or "ConnectionLost" in text:
        return "connection", message
    return "error", message


def status_error(status: int) -> str | None:
    """The error class of an HTTP status ("http_4xx", "http_5xx"), or None if it is not an error."""
    if status >= 500:
        return "http_5xx"
    if status >= 400:
        return "http_4xx"
    return None
