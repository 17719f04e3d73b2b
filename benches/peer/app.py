"""The comparison peer of `just bench`: a small FastAPI service doing the same
work as the Rust server on two routes (a cached organization read and an
idempotent organization create), on the same PostgreSQL database and Redis.

Configured by environment:

- PEER_DATABASE_URL  postgres URL of the database (tables of its own, created at startup)
- PEER_REDIS_URL     redis URL
- PEER_KEY_PREFIX    every Redis key is under it
- PEER_JWKS_URL      JWK set of the token issuer (Ed25519 OKP keys with kid), fetched at startup
- PEER_ISSUER        the `iss` claim every token must carry
- PEER_RATE_LIMIT    requests per user per minute (default 10000)
- PEER_DB_POOL_SIZE  connections per worker (default 8)

Run: uvicorn app:app --workers 2 --loop uvloop --http httptools --no-access-log
     --log-level warning --port 8000
"""

import json
import os
import time
import urllib.request
import uuid
from contextlib import asynccontextmanager

import asyncpg
import jwt
import orjson
import redis.asyncio as aioredis
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel

DATABASE_URL = os.environ["PEER_DATABASE_URL"]
REDIS_URL = os.environ["PEER_REDIS_URL"]
PREFIX = os.environ.get("PEER_KEY_PREFIX", "peer:")
JWKS_URL = os.environ["PEER_JWKS_URL"]
ISSUER = os.environ["PEER_ISSUER"]
RATE_LIMIT = int(os.environ.get("PEER_RATE_LIMIT", "10000"))
POOL_SIZE = int(os.environ.get("PEER_DB_POOL_SIZE", "8"))

CACHE_TTL = 300
IDEMPOTENCY_TTL = 86400
SCHEMA_LOCK = 0x70656572  # "peer": the advisory lock that serialises the schema setup

SCHEMA = """
CREATE TABLE IF NOT EXISTS peer_organizations (
    id uuid primary key,
    name text not null,
    legal_name text not null,
    version int not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
CREATE TABLE IF NOT EXISTS peer_outbox (
    id bigserial primary key,
    aggregate_id uuid not null,
    event_type text not null,
    payload jsonb not null,
    idempotency_key text,
    created_at timestamptz not null default now()
);
"""

COLUMNS = "id, name, legal_name, version, created_at, updated_at"


def row_json(row) -> bytes:
    """A row as JSON (asyncpg's UUID type is written as its text)."""
    return orjson.dumps(dict(row), default=str)


class Problem(Exception):
    """An error answered as application/problem+json."""

    def __init__(self, status: int, title: str, detail: str):
        self.status, self.title, self.detail = status, title, detail


def problem_response(status: int, title: str, detail: str) -> Response:
    body = orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    return Response(body, status_code=status, media_type="application/problem+json")


def fetch_keys() -> dict:
    """The verification keys of the JWK set, by kid."""
    with urllib.request.urlopen(JWKS_URL, timeout=10) as answer:
        jwks = json.load(answer)
    keys = {}
    for jwk in jwks["keys"]:
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="EdDSA").key
    if not keys:
        raise RuntimeError(f"no Ed25519 key in {JWKS_URL}")
    return keys


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.keys = fetch_keys()
    app.state.pool = await asyncpg.create_pool(DATABASE_URL, min_size=POOL_SIZE, max_size=POOL_SIZE)
    async with app.state.pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", SCHEMA_LOCK)
            await conn.execute(SCHEMA)
    app.state.redis = aioredis.from_url(REDIS_URL)
    try:
        yield
    finally:
        await app.state.redis.aclose()
        await app.state.pool.close()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


@app.exception_handler(Problem)
async def on_problem(_request: Request, error: Problem) -> Response:
    return problem_response(error.status, error.title, error.detail)


@app.exception_handler(RequestValidationError)
async def on_invalid(_request: Request, error: RequestValidationError) -> Response:
    return problem_response(422, "Unprocessable Entity", str(error.errors()[:3]))


async def caller(request: Request, authorization: str | None = Header(default=None)) -> str:
    """The bearer token's subject, after the signature, issuer and expiry check
    and the per-user rate limit."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Problem(401, "Unauthorized", "a bearer token is required")
    token = authorization[7:]
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = request.app.state.keys.get(kid)
        if key is None:
            raise Problem(401, "Unauthorized", "unknown signing key")
        claims = jwt.decode(
            token, key, algorithms=["EdDSA"], issuer=ISSUER, options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError as error:
        raise Problem(401, "Unauthorized", str(error)) from None
    sub = claims["sub"]
    counter = f"{PREFIX}rl:{sub}:{int(time.time()) // 60}"
    pipe = request.app.state.redis.pipeline(transaction=False)
    pipe.incr(counter)
    pipe.expire(counter, 120)
    count, _ = await pipe.execute()
    if count > RATE_LIMIT:
        raise Problem(429, "Too Many Requests", "rate limit exceeded")
    return sub


def parse_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise Problem(400, "Bad Request", "malformed path id: id") from None


@app.get("/api/v1/settings/organizations/{org_id}")
async def get_organization(org_id: str, request: Request, _sub: str = Depends(caller)) -> Response:
    oid = parse_id(org_id)
    redis = request.app.state.redis
    key = f"{PREFIX}cache:org:{oid}"
    cached = await redis.get(key)
    if cached is not None:
        return Response(cached, media_type="application/json")
    row = await request.app.state.pool.fetchrow(
        f"SELECT {COLUMNS} FROM peer_organizations WHERE id = $1", oid
    )
    if row is None:
        raise Problem(404, "Not Found", "no such organization")
    body = row_json(row)
    await redis.set(key, body, ex=CACHE_TTL)
    return Response(body, media_type="application/json")


class NewOrganization(BaseModel):
    name: str
    legal_name: str


@app.post("/api/v1/settings/organizations")
async def create_organization(
    new: NewOrganization,
    request: Request,
    sub: str = Depends(caller),
    idempotency_key: str | None = Header(default=None),
) -> Response:
    if not idempotency_key:
        raise Problem(400, "Bad Request", "the Idempotency-Key header is required")
    redis = request.app.state.redis
    record_key = f"{PREFIX}idem:{sub}:{idempotency_key}"
    stored = await redis.get(record_key)
    if stored is not None:
        record = orjson.loads(stored)
        return Response(
            orjson.dumps(record["body"]),
            status_code=record["status"],
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    async with request.app.state.pool.acquire() as conn:
        async with conn.transaction():
            row = await conn.fetchrow(
                "INSERT INTO peer_organizations (id, name, legal_name) VALUES ($1, $2, $3) "
                f"RETURNING {COLUMNS}",
                uuid.uuid4(),
                new.name,
                new.legal_name,
            )
            payload = row_json(row).decode()
            await conn.execute(
                "INSERT INTO peer_outbox (aggregate_id, event_type, payload, idempotency_key) "
                "VALUES ($1, 'OrganizationCreated', $2::jsonb, $3)",
                row["id"],
                payload,
                idempotency_key,
            )
    body = orjson.loads(payload)
    await redis.set(record_key, orjson.dumps({"status": 201, "body": body}), ex=IDEMPOTENCY_TTL)
    return Response(
        payload,
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/api/v1/settings/organizations/{row['id']}"},
    )
