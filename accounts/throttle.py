"""Failed-login counting, per account and per client address, in the shared cache.

Each login attempt is charged before its password is checked and refunded if it succeeds, so
parallel guesses each see the others (the cache's atomic increment decides, not a read and a
later write). Counts go in buckets of a sixth of the window; an attempt is refused when the
buckets overlapping the last window already hold the limit. That counts a failure for up to a
window and a bucket, never less, so no window-long stretch ever sees more than the limit of
failures.

While the shared cache (Redis) is unreachable the counts go to this process's memory: weaker,
but logins neither fail nor go uncounted.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest

log = logging.getLogger(__name__)

BUCKETS_PER_WINDOW = 6


class LoginThrottled(Exception):
    """Too many failed logins for the account or the address: try again in `retry_after` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed logins. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Scope:
    name: str  # "account" or "address"
    ident: str
    limit: int


@dataclass
class Charge:
    """One login attempt counted against its scopes; `succeeded()` gives it back."""

    cache: BaseCache
    keys: list[str] = field(default_factory=list)
    account_keys: list[str] = field(default_factory=list)

    def succeeded(self) -> None:
        # The password was right: the attempt was no failure, and the account starts afresh.
        try:
            for key in self.keys:
                _decr(self.cache, key)
            self.cache.delete_many(self.account_keys)
        except Exception:  # the cache went away meanwhile: the counts expire on their own
            log.warning("Could not refund a successful login's count", exc_info=True)


def client_address(request: HttpRequest | Any) -> str:
    """The client's address: REMOTE_ADDR, or behind LOGIN_TRUSTED_PROXIES proxies the address
    the outermost of them saw. IPv6 counts by /64, what one subscriber is usually given."""
    raw = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.LOGIN_TRUSTED_PROXIES
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            raw = hops[-proxies]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _scopes(request: HttpRequest | Any | None, username: str) -> list[_Scope]:
    scopes = [
        _Scope("account", username.strip().casefold(), settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT)
    ]
    if request is not None and hasattr(request, "META"):
        scopes.append(
            _Scope("address", client_address(request), settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS)
        )
    return scopes


def _bucket_seconds() -> int:
    return max(1, math.ceil(settings.LOGIN_FAILURE_WINDOW / BUCKETS_PER_WINDOW))


def _key(scope: _Scope, bucket: int) -> str:
    ident = hashlib.sha256(scope.ident.encode()).hexdigest()[:32]
    return f"login-failures:{scope.name}:{ident}:{bucket}"


def _decr(cache: BaseCache, key: str) -> None:
    with contextlib.suppress(ValueError):  # expired meanwhile
        cache.decr(key)


def _retry_after(counts: dict[int, int], limit: int, now: float) -> int:
    """Seconds until the counted buckets hold fewer than `limit` failures."""
    bucket = _bucket_seconds()
    span = math.ceil(settings.LOGIN_FAILURE_WINDOW / bucket)
    remaining = sum(counts.values())
    leaves_at = now
    for index in sorted(counts):
        if remaining < limit:
            break
        remaining -= counts[index]
        leaves_at = (index + span + 1) * bucket
    return max(1, math.ceil(leaves_at - now))


def _charge_in(cache: BaseCache, scopes: list[_Scope]) -> Charge:
    bucket = _bucket_seconds()
    span = math.ceil(settings.LOGIN_FAILURE_WINDOW / bucket)
    now = time.time()
    current = int(now // bucket)
    charge = Charge(cache=cache)
    waits = []
    for scope in scopes:
        key = _key(scope, current)
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW + 2 * bucket)
        mine = cache.incr(key)
        charge.keys.append(key)
        older = {i: _key(scope, i) for i in range(current - span, current)}
        found = cache.get_many(list(older.values()))
        counts = {i: int(found.get(k, 0)) for i, k in older.items()}
        counts[current] = mine - 1  # the failures before this attempt
        if mine + sum(counts.values()) - counts[current] > scope.limit:
            waits.append(_retry_after(counts, scope.limit, now))
        if scope.name == "account":
            charge.account_keys = [*older.values(), key]
    if waits:
        # Refused before any password check: the attempt was never made, so it does not count.
        for key in charge.keys:
            _decr(cache, key)
        raise LoginThrottled(max(waits))
    return charge


def login_attempt_charge(request: HttpRequest | Any | None, username: str) -> Charge:
    """Count a login attempt before its password is checked; raises LoginThrottled when the
    account or the address has used up its failures for now."""
    scopes = _scopes(request, username)
    try:
        return _charge_in(caches["default"], scopes)
    except LoginThrottled:
        raise
    except Exception:
        log.warning("Login counts fall back to this process: the shared cache is unreachable")
        return _charge_in(caches["local"], scopes)
