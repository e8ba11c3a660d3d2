"""Staff accounts: argon2 password hashes, lookup, bootstrap."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import STAFF_ROLES, StaffUser

# What a new password needs (the staff_user command checks it; the bootstrap account from the
# environment is the operator's choice).
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verifying against this keeps the time of a login with an unknown e-mail
# close to that of a wrong password (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash("not a real password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def get_by_email(session: AsyncSession, email: str) -> StaffUser | None:
    return await session.scalar(select(StaffUser).where(StaffUser.email == normalize_email(email)))


async def authenticate(session: AsyncSession, email: str, password: str) -> StaffUser | None:
    user = await get_by_email(session, email)
    if user is None or not user.active:
        password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


async def upsert_user(
    session: AsyncSession,
    email: str,
    password: str,
    *,
    name: str | None = None,
    role: str | None = None,
) -> tuple[StaffUser, bool]:
    """Create the account, or set its password (and role/name if given). Returns (user, created)."""
    if role is not None and role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
    if not password:
        raise ValueError("empty password")
    user = await get_by_email(session, email)
    created = user is None
    if user is None:
        user = StaffUser(email=normalize_email(email), password_hash=hash_password(password),
                         role=role or "staff", name=name, active=True)
        session.add(user)
    else:
        if not password_matches(user.password_hash, password):
            user.password_hash = hash_password(password)
        if role is not None:
            user.role = role
        if name is not None:
            user.name = name
        user.active = True
    await session.flush()
    return user, created


async def list_active(session: AsyncSession) -> list[StaffUser]:
    return list(await session.scalars(
        select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.email)
    ))
