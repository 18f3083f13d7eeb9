"""Typo hints: how a reported figure may have come from the right one by a slip of the hand.
Never applied to the data, only said."""

from __future__ import annotations

from decimal import Decimal

from baobiao.instance.values import format_number

KINDS = {
    "swap": ("两位数字颠倒", "two digits swapped"),
    "digit": ("一位数字写错", "one digit wrong"),
    "sign": ("正负号写反", "the sign"),
    "dropped": ("漏写一位数字", "a digit dropped"),
    "added": ("多写一位数字", "a digit added"),
}


def typo(reported: Decimal, likely: Decimal) -> str | None:
    """The kind of slip that turns ``likely`` into ``reported`` (a key of KINDS), or None."""
    if reported == likely:
        return None
    if reported == -likely:
        return "sign"
    r, s = format_number(abs(reported)), format_number(abs(likely))
    if (reported < 0) != (likely < 0):
        return None
    if len(r) == len(s) and len(r) >= 2:  # any change of a one-digit figure is "one digit"
        diff = [k for k in range(len(r)) if r[k] != s[k]]
        if len(diff) == 1:
            return "digit"
        if len(diff) == 2 and diff[1] == diff[0] + 1 and r[diff[0]] == s[diff[1]] and r[diff[1]] == s[diff[0]]:
            return "swap"
        return None
    if len(r) == len(s):
        return None
    if len(r) + 1 == len(s) and any(s[:k] + s[k + 1 :] == r for k in range(len(s))):
        return "dropped"
    if len(s) + 1 == len(r) and any(r[:k] + r[k + 1 :] == s for k in range(len(r))):
        return "added"
    return None
