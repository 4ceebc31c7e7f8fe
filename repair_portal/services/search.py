"""What staff type into a search box, matched the same way on the order board and the customer list.

Every condition is an index range (a prefix written as `>= v AND < v + U+FFFF`) or a scan of one
narrow index, so searches stay fast at 100k orders (bench/orders_100k.py).
"""

from __future__ import annotations

import re

from sqlalchemy import and_, func, or_, select, union

from ..models import Customer, Device
from . import phones

PHONE_TERM = re.compile(r"^[\d\s+()./-]+$")


def prefix(column, value: str):
    """`column` starts with `value`, as a range so a plain or expression index serves it."""
    return and_(column >= value, column < value + "\uffff")


def _ascii_lower(text: str) -> str:
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in text)


def lowered_forms(term: str, dialect: str) -> set[str]:
    """The term as the database's lower() would store a matching name.

    PostgreSQL lower-cases every letter. SQLite's lower() only folds A–Z, so "Özdemir" is stored
    as "Özdemir": try the term as typed, all lower case, and capitalised (as names are written)."""
    if dialect != "sqlite":
        return {term.lower()}
    forms = {term, term.lower(), term.title(), term[:1].upper() + term[1:].lower()}
    return {_ascii_lower(form) for form in forms}


def customer_ids(term: str, dialect: str, region: str):
    """Customers whose name (first, last, "first last"), company, email or phone number starts with
    the term, or whose phone contains its digits. The contains-match has its own branch so it
    can't stop SQLite from using the indexes for the others. `region` is the shop's country: a
    number typed without a country code is read as one of its numbers."""
    return union(*_customer_branches(term, dialect, region))


def _customer_branches(term: str, dialect: str, region: str) -> list:
    indexed, contains = _customer_conditions(term, dialect, region)
    branches = [select(Customer.id).where(or_(*indexed))]
    if contains is not None:
        branches.append(select(Customer.id).where(contains))
    return branches


def _customer_conditions(term: str, dialect: str, region: str):
    term = term.strip()
    conditions = []
    for form in lowered_forms(term, dialect):
        conditions += [
            prefix(func.lower(Customer.last_name), form),
            prefix(func.lower(Customer.first_name), form),
            prefix(func.lower(Customer.company), form),
        ]
        first, _, rest = form.partition(" ")
        if rest.strip():
            conditions.append(
                and_(func.lower(Customer.first_name) == first, prefix(func.lower(Customer.last_name), rest.strip()))
            )
    conditions.append(prefix(Customer.email, term.lower()))  # stored lower-case
    digits = re.sub(r"\D", "", term)
    contains = None
    if len(digits) >= 4 and PHONE_TERM.match(term):
        typed = phones.search_prefix(term, region)  # "07700 900123" -> +447700900123 (stored form), "0770" -> +44770
        if typed:
            conditions.append(prefix(Customer.phone, typed))
        contains = Customer.phone.like(f"%{digits}%")  # any run of digits, e.g. the last six
    return conditions, contains


def matching_customer_ids(term: str, dialect: str, region: str):
    """Customers matching by their own details or by a device serial/IMEI starting with the term."""
    return union(*_customer_branches(term, dialect, region), select(Device.customer_id).where(serial_condition(term)))


def serial_condition(term: str):
    return prefix(func.upper(Device.serial), term.strip().upper())
