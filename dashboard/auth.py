"""Who may use the dashboard: HTTP basic auth against hashed passwords and/or a bearer
token from the environment, checked before every request Flask serves (pages, assets,
Dash's ``_dash-*`` endpoints), so nothing answers without credentials once auth is on.

Make a password hash for ``dashboard.auth.basic_users`` with::

    python -m dashboard.auth hash-password

Both schemes send credentials in clear text over plain HTTP: off loopback, put the
dashboard behind a TLS reverse proxy (docs/security.md).
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import hmac
import os
import sys
from collections.abc import Mapping

from flask import Flask, Response, request
from werkzeug.security import check_password_hash, generate_password_hash

from monitor.config import ConfigError, DashboardAuthConfig

# Verified credentials are remembered (as digests, never in clear) because checking a
# scrypt hash takes ~0.2 s on purpose, and a browser sends the header with every request.
_VERIFIED_LIMIT = 1024
# Checked against when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")
MIN_TOKEN_LENGTH = 16


class DashboardAuth:
    """The credentials the dashboard accepts; ``allows(header)`` checks one
    ``Authorization`` header in constant time per candidate."""

    def __init__(self, config: DashboardAuthConfig, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.realm = config.realm
        self.users = dict(config.basic_users)
        self.token: bytes | None = None
        if config.token_env:
            token = env.get(config.token_env, "").strip()
            if not token:
                raise ConfigError(
                    f"dashboard.auth.token_env: environment variable {config.token_env} is not set"
                )
            if len(token) < MIN_TOKEN_LENGTH:
                raise ConfigError(
                    f"dashboard.auth.token_env: the token in {config.token_env} is shorter than "
                    f"{MIN_TOKEN_LENGTH} characters; use a long random one (python -c "
                    '"import secrets; print(secrets.token_urlsafe(32))")'
                )
            self.token = token.encode()
        self._verified: set[bytes] = set()

    def challenges(self) -> list[str]:
        """``WWW-Authenticate`` values for a 401: one per configured scheme."""
        found = []
        if self.users:
            found.append(f'Basic realm="{self.realm}", charset="UTF-8"')
        if self.token is not None:
            found.append(f'Bearer realm="{self.realm}"')
        return found

    def allows(self, header: str | None) -> bool:
        """Whether an ``Authorization`` header carries valid credentials."""
        if not header:
            return False
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer" and self.token is not None:
            return hmac.compare_digest(value.encode(), self.token)
        if scheme.lower() == "basic" and self.users:
            return self._basic(value)
        return False

    def _basic(self, value: str) -> bool:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return False
        name, sep, password = decoded.partition(":")
        if not sep:
            return False
        digest = hashlib.sha256(f"{len(name)}:{decoded}".encode()).digest()
        if digest in self._verified:
            return True
        stored = self.users.get(name)
        valid = check_password_hash(stored or _DUMMY_HASH, password) and stored is not None
        if valid:
            if len(self._verified) >= _VERIFIED_LIMIT:
                self._verified.clear()
            self._verified.add(digest)
        return valid


def protect(server: Flask, auth: DashboardAuth) -> None:
    """Answer 401 to every request without valid credentials, before any route runs."""

    def check() -> Response | None:
        if auth.allows(request.headers.get("Authorization")):
            return None
        response = Response("authentication required\n", status=401, mimetype="text/plain")
        for challenge in auth.challenges():
            response.headers.add("WWW-Authenticate", challenge)
        response.headers["Cache-Control"] = "no-store"
        return response

    server.before_request(check)


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.auth hash-password``: print a hash for ``basic_users``."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["hash-password"]:
        print("usage: python -m dashboard.auth hash-password", file=sys.stderr)
        return 2
    password = getpass.getpass("password: ")
    if password != getpass.getpass("again: "):
        print("the passwords differ", file=sys.stderr)
        return 1
    if len(password) < 12:
        print("use at least 12 characters", file=sys.stderr)
        return 1
    print(generate_password_hash(password, method="scrypt"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
