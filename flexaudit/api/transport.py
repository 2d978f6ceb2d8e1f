"""The one place that talks HTTP: the official Twilio SDK over a guarded transport.

`GuardedHttpClient` is what the SDK calls for every request. It
- refuses any method but GET before anything leaves the process (a scan only reads),
- refuses any URL that is not https on a Twilio host, before mapping it and
  before any byte is sent (links.py): the credential goes to Twilio only,
- maps `https://<sub>.<…>twilio.com/<path>` to `<api_base_url>/<sub>/<path>` when asked,
- bounds requests in flight (the scan shares the account's REST concurrency
  limit with production traffic) and halves that bound when Twilio answers 429,
- bounds each answer: --timeout for the whole response, 64 MiB for its body
  after decompression (reading.py); never follows a redirect,
- retries 429, 5xx, timeouts and broken connections with capped exponential
  backoff and jitter, waiting at most 30 s in all per request (Retry-After
  included); a refused connection, an unresolved name, a TLS or proxy failure
  is not retried: it would fail the same way.

Requests go out through urllib3's connection pools rather than a requests
Session: on the scan's longest chain (1,000 sequential chat pages on a large
account) requests' per-request machinery cost 1-2 ms a page. What requests
would read from the environment is still honoured the same way: HTTP(S)_PROXY,
ALL_PROXY and NO_PROXY (read once per host), and the CA bundle from
REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, else certifi's.
"""

from __future__ import annotations

import base64
import math
import os
import random
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests.certs
import requests.utils
import urllib3
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from flexaudit import __version__
from flexaudit.api.errors import ApiUnreachable, ResponseRefused
from flexaudit.api.links import check_twilio_url, describe_link, origin
from flexaudit.api.reading import bounded_attempt, read_body, watched
from flexaudit.safe_text import one_line
from flexaudit.settings import Credentials, Target

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Retry-After and backoff together, per request: a 429 asking for longer is not waited for.
MAX_WAIT_PER_REQUEST = 30.0


class WriteRefused(Exception):
    """Something tried to send a non-GET request; flexaudit never writes."""


def map_url(url: str, api_base_url: str | None) -> str:
    """Where a request the SDK addressed to `url` really goes (contract: base-URL mapping).

    `url` has passed check_twilio_url: https on a Twilio host.
    """
    if api_base_url is None:
        return url
    check_twilio_url(url)
    parts = urlsplit(url)
    sub = parts.hostname.lower().split(".", 1)[0]
    mapped = f"{api_base_url.rstrip('/')}/{sub}{parts.path}"
    return f"{mapped}?{parts.query}" if parts.query else mapped


class AdaptiveLimiter:
    """At most `limit` requests in flight; the limit halves on throttling and creeps back up."""

    def __init__(self, maximum: int, clock=time.monotonic):
        self.maximum = max(1, maximum)
        self.limit = self.maximum
        self._in_flight = 0
        self._successes = 0
        self._last_cut = float("-inf")
        self._clock = clock
        self._cond = threading.Condition()
        self._urgent_waiting = 0

    def acquire(self, urgent: bool = False) -> None:
        """Wait for a slot. Urgent requests (the scan's longest sequential chain) go before
        every waiting normal one, so a burst of fan-out requests never stalls the chain."""
        with self._cond:
            if urgent:
                self._urgent_waiting += 1
                try:
                    while self._in_flight >= self.limit:
                        self._cond.wait()
                finally:
                    self._urgent_waiting -= 1
                if not self._urgent_waiting:
                    self._cond.notify_all()  # normal waiters held back only by us may go now
            else:
                while self._in_flight >= self.limit or self._urgent_waiting:
                    self._cond.wait()
            self._in_flight += 1

    def release(self, throttled: bool) -> None:
        with self._cond:
            self._in_flight -= 1
            now = self._clock()
            if throttled:
                self._successes = 0
                # One cut per second: a burst of 429s from one moment is one signal.
                if now - self._last_cut >= 1.0:
                    self.limit = max(1, self.limit // 2)
                    self._last_cut = now
            else:
                self._successes += 1
                if self.limit < self.maximum and self._successes >= 4 * self.limit:
                    self.limit += 1
                    self._successes = 0
            self._cond.notify_all()


@dataclass
class RequestStats:
    requests: int = 0  # HTTP exchanges attempted, retries included
    retries: int = 0
    throttled: int = 0  # 429 answers
    server_errors: int = 0  # 5xx answers
    connection_errors: int = 0  # attempts without a (complete) answer
    answers: int = 0  # attempts the server answered with a status line


class GuardedHttpClient(HttpClient):
    def __init__(
        self,
        api_base_url: str | None = None,
        concurrency: int = 8,
        timeout: float = 30.0,
        max_attempts: int = 6,
        backoff_base: float = 0.25,
        backoff_cap: float = 8.0,
        sleep=time.sleep,
        rng: random.Random | None = None,
        max_wait: float = MAX_WAIT_PER_REQUEST,
    ):
        super().__init__(logger=_silent_logger(), is_async=False, timeout=timeout)
        self.api_base_url = api_base_url
        self.concurrency = max(1, concurrency)
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_wait = max_wait
        self.limiter = AdaptiveLimiter(self.concurrency)
        self.stats = RequestStats()
        self._stats_lock = threading.Lock()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._local = threading.local()
        self._pools = _Pools(max(4, self.concurrency))
        # Set when a request ran out of retries without the server answering at
        # all, cleared by any answer: a dead server costs one retry ladder, not
        # one per remaining request.
        self._unreachable = False
        self._first_unreachable: ApiUnreachable | None = None

    def urgent_thread(self) -> None:
        """Make every request the calling thread sends from now on go ahead of queued ones.

        For the threads that serve the scan's longest sequential chain (a pool
        initializer): a burst of fan-out requests never stalls the chain.
        """
        self._local.urgent = True

    def unreachable(self) -> ApiUnreachable | None:
        """Why the API could not be reached, when no request got any answer at all; else None."""
        with self._stats_lock:
            return self._first_unreachable if self.stats.answers == 0 else None

    def _count(self, **deltas: int) -> None:
        with self._stats_lock:
            for name, delta in deltas.items():
                setattr(self.stats, name, getattr(self.stats, name) + delta)

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:
        if str(method).upper() != "GET":
            raise WriteRefused(f"flexaudit is read-only: refused a {str(method).upper()} request before sending it")
        # Before mapping and before any byte: a link a server named is followed
        # only when it is https on a Twilio host (the credential goes nowhere else).
        check_twilio_url(url)
        target = _with_query(map_url(url, self.api_base_url), params)
        where = self._pools.describe_route(target)
        timeout = timeout or self.timeout
        sent_headers = _headers(headers, auth)
        waited = 0.0
        failure: tuple[str, bool] | None = None  # (cause, worth retrying) of the last attempt without an answer
        answer: tuple[urllib3.BaseHTTPResponse, bytes] | None = None
        answered = False
        attempts = 1 if self._unreachable else self.max_attempts
        for attempt in range(attempts):
            if attempt:
                self._count(retries=1)
            answer, failure = self._attempt(target, sent_headers, timeout, where)
            if answer is not None:
                answered = True
                resp, body = answer
                if 300 <= resp.status < 400:
                    raise ResponseRefused(f"{where} answered {resp.status} (a redirect to "
                                          f"{describe_link(resp.headers.get('Location') or '(nowhere)')}): "
                                          "redirects are never followed")
                if resp.status not in RETRY_STATUSES:
                    return _response(resp, body)
            elif not failure[1]:
                break  # refused, DNS, TLS, proxy: another attempt would fail the same way
            if attempt + 1 == attempts:
                break
            delay, asked = self._backoff(attempt, answer[0] if answer else None)
            budget = self.max_wait - waited
            if asked is not None and asked > budget:
                raise ResponseRefused(f"{where} answered {answer[0].status} and asked to wait {asked:g} s "
                                      f"(Retry-After); flexaudit waits at most {self.max_wait:g} s in all for one request")
            if budget <= 0:
                break
            delay = min(delay, budget)
            waited += delay
            self._sleep(delay)

        if answer is not None:
            # Out of retries on 429/5xx: let the SDK raise its TwilioRestException.
            return _response(*answer)
        self._unreachable = not answered
        cause = failure[0]
        done = attempt + 1
        error = ApiUnreachable(f"{where}: {cause} ({done} attempt{'s' if done != 1 else ''})", where, cause)
        with self._stats_lock:
            self._first_unreachable = self._first_unreachable or error
        raise error

    def _attempt(self, target: str, headers: dict, timeout: float, where: str):
        """One exchange: ((response, body), None), or (None, (cause, worth retrying))."""
        self.limiter.acquire(urgent=getattr(self._local, "urgent", False))
        throttled = False
        try:
            self._count(requests=1)
            with bounded_attempt(timeout) as bounded:
                try:
                    resp = self._pools.get(target, headers,
                                           urllib3.Timeout(connect=min(10.0, timeout), read=timeout))
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    self._count(connection_errors=1)
                    return None, _cause(exc, bounded.expired)
                self._answered()
                throttled = resp.status == 429
                if throttled:
                    self._count(throttled=1)
                elif resp.status >= 500:
                    self._count(server_errors=1)
                try:
                    body = read_body(resp, where)
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    # The status line came, the whole body did not: retried as a timeout is.
                    resp.close()
                    self._count(connection_errors=1)
                    cause, again = _cause(exc, bounded.expired)
                    return None, ("the answer took longer than --timeout" if bounded.expired else cause, again)
            return (resp, body), None
        finally:
            self.limiter.release(throttled)

    def _answered(self) -> None:
        self._unreachable = False
        self._count(answers=1)

    def _backoff(self, attempt: int, resp) -> tuple[float, float | None]:
        """(seconds to wait before the next attempt, the server's Retry-After in seconds or None)."""
        delay = self._rng.uniform(0, min(self.backoff_cap, self.backoff_base * (2 ** attempt)))
        retry_after = resp.headers.get("Retry-After") if resp is not None else None
        if retry_after:
            try:
                asked = float(retry_after)
            except ValueError:
                return delay, None  # an HTTP-date Retry-After is rare on Twilio; our own backoff stands
            if math.isfinite(asked) and asked >= 0:
                return max(delay, asked), asked
        return delay, None


def _cause(exc: BaseException, expired: bool) -> tuple[str, bool]:
    """What went wrong with an attempt that got no (complete) answer, and whether to try again."""
    if expired:
        return "timed out", True
    if isinstance(exc, urllib3.exceptions.ProxyError):
        # The message already names the proxy: say what went wrong with it.
        inner = exc.original_error if isinstance(exc.original_error, BaseException) else None
        if inner is None or isinstance(inner, urllib3.exceptions.ProxyError):
            return "the proxy failed", False
        tunnel = str(inner).partition("Tunnel connection failed:")[2].strip()
        if tunnel:
            return f"the proxy refused the tunnel ({one_line(tunnel)[:60]})", False
        return _cause(inner, False)[0], False
    if isinstance(exc, urllib3.exceptions.NameResolutionError):
        return "name not resolved (DNS)", False
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        refused = isinstance(exc.__context__, ConnectionRefusedError) or "refused" in str(exc).lower()
        return ("connection refused" if refused else "no connection"), False
    if isinstance(exc, (urllib3.exceptions.SSLError, ssl.SSLError)):
        reason = getattr(exc.__context__, "reason", None) or getattr(exc, "reason", None)
        return f"TLS failed{f' ({one_line(reason)[:80]})' if isinstance(reason, str) else ''}", False
    if isinstance(exc, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return "timed out", True
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused", False
    return "connection broken", True


class _Pools:
    """Connection pools by route: direct, or through the proxy the environment names for the host."""

    def __init__(self, maxsize: int):
        self._tls = _ca_settings()
        self._maxsize = maxsize
        self._direct = watched(urllib3.PoolManager(maxsize=maxsize, block=False, retries=False, **self._tls))
        self._proxies: dict[str, urllib3.ProxyManager] = {}
        self._routes: dict[tuple[str, str], urllib3.PoolManager] = {}
        self._lock = threading.Lock()

    def get(self, url: str, headers: dict, timeout: urllib3.Timeout) -> urllib3.BaseHTTPResponse:
        return self.route(url).request("GET", url, headers=headers, timeout=timeout, redirect=False, retries=False,
                                       preload_content=False, decode_content=False)

    def route(self, url: str) -> urllib3.PoolManager:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        manager = self._routes.get(key)
        if manager is None:
            # requests' own reading of HTTP(S)_PROXY, ALL_PROXY and NO_PROXY
            proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
            manager = self._routes.setdefault(key, self._through(proxy) if proxy else self._direct)
        return manager

    def describe_route(self, url: str) -> str:
        """Where a request to `url` goes, for messages: the server, or the proxy before it (never its password)."""
        target = origin(url)
        manager = self.route(url)
        if isinstance(manager, urllib3.ProxyManager):
            proxy = manager.proxy
            return f"the proxy {proxy.scheme}://{proxy.host}{f':{proxy.port}' if proxy.port else ''} (for {target})"
        return target

    def _through(self, proxy: str) -> urllib3.ProxyManager:
        with self._lock:
            if proxy not in self._proxies:
                auth = urllib3.util.parse_url(proxy).auth
                headers = urllib3.util.make_headers(proxy_basic_auth=auth) if auth else None
                self._proxies[proxy] = watched(urllib3.ProxyManager(
                    proxy, proxy_headers=headers, maxsize=self._maxsize, block=False, retries=False, **self._tls))
            return self._proxies[proxy]


def _ca_settings() -> dict:
    """Verified TLS against the bundle requests would use."""
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or requests.certs.where()
    where = {"ca_cert_dir": bundle} if os.path.isdir(bundle) else {"ca_certs": bundle}
    return {"cert_reqs": "CERT_REQUIRED", **where}


def _with_query(url: str, params) -> str:
    if not params:
        return url
    # As requests encodes them: a list is a repeated key (Type=public&Type=private), None is left out.
    pairs = [(k, v) for k, v in params.items() if v is not None]
    query = urlencode([(k, i) for k, v in pairs for i in (v if isinstance(v, (list, tuple)) else [v])
                       if i is not None])
    if not query:
        return url
    return f"{url}{'&' if urlsplit(url).query else '?'}{query}"


def _headers(headers, auth) -> dict:
    out = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
    if auth:
        user, password = auth
        out["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode("latin-1")).decode("ascii")
    return out


def _response(resp: urllib3.BaseHTTPResponse, body: bytes) -> Response:
    content_type = resp.headers.get("Content-Type", "")
    charset = next((p.split("=", 1)[1].strip(' "') for p in content_type.split(";")[1:]
                    if p.strip().lower().startswith("charset=")), "utf-8")
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name: Twilio's JSON is UTF-8
        text = body.decode("utf-8", errors="replace")
    return Response(resp.status, text, resp.headers)


def _silent_logger():
    import logging

    logger = logging.getLogger("flexaudit.http")
    logger.propagate = False
    logger.addHandler(logging.NullHandler())
    return logger


def make_client(credentials: Credentials, target: Target, http_client: GuardedHttpClient) -> Client:
    client = Client(
        username=credentials.username,
        password=credentials.password,
        account_sid=credentials.account_sid,
        region=target.region,
        edge=target.edge,
        http_client=http_client,
    )
    client.user_agent_extensions = [f"flexaudit/{__version__}"]
    return client
