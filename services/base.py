"""The one caching and scoping convention of the service layer.

`@service(subject)` makes a function a service of that subject (data_access.scope.POLICY): its
first two parameters are the database URL and the Scope; the scope's right to the subject is
checked on every call, before the cache is consulted, so a cached answer is never served to a
role that may not read it; results are cached for TTL_SECONDS keyed by every argument (the Scope
included) unless `cached=False` (writes, and reads that are lookups of a person, which must be
logged each time). `@reference(reason)` marks the few services that read no one's data (the
population of a county, the working-day calendar) and says why they take no Scope.
`SERVICES` lists every service for the test that proves each one is scoped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, Literal, ParamSpec, Protocol, TypeVar, cast, overload

import streamlit as st

from data_access.scope import POLICY, Scope

TTL_SECONDS = 600
F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Cached(Protocol[P, R_co]):
    """What `@reference` returns (cached): called like the function it wraps; `.clear()` forgets
    its cached results (services.refresh clears them after a delivery)."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    def clear(self) -> None: ...


class Service(Protocol[P, R_co]):
    """What `@service` returns: the scope-checking function with two attributes set on it, the
    subject its Scope is checked against and `clear` (the cache's, a no-op when `cached=False`).
    A Service is also a Cached."""

    subject: str
    clear: Callable[[], None]

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...


# every service -> its subject (scoped), or "reference: <why>" / "transform: ..." (unscoped)
SERVICES: dict[Callable[..., Any], str] = {}


def _register(fn: Callable[..., Any], what: str) -> None:
    SERVICES[fn] = what


def service(
    subject: str, *, cached: bool = True, max_entries: int | None = None
) -> Callable[[Callable[Concatenate[str, Scope, P], R]], Service[Concatenate[str, Scope, P], R]]:
    if subject not in POLICY:
        raise ValueError(f"unknown subject {subject!r}")

    def wrap(fn: Callable[Concatenate[str, Scope, P], R]) -> Service[Concatenate[str, Scope, P], R]:
        inner = (
            st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=max_entries)(fn)
            if cached
            else fn
        )

        @functools.wraps(fn)
        def checked(url: str, scope: Scope, *args: P.args, **kwargs: P.kwargs) -> R:
            if not isinstance(scope, Scope):
                raise TypeError(f"{fn.__name__}: the second argument must be the user's Scope")
            scope.require(subject)
            return inner(url, scope, *args, **kwargs)

        # mypy cannot follow attributes set on a function: the two set here make it a Service
        typed = cast(Service[Concatenate[str, Scope, P], R], checked)
        typed.clear = getattr(inner, "clear", lambda: None)
        typed.subject = subject
        _register(typed, subject)
        return typed

    return wrap


def transform(fn: F) -> F:
    """A pure function over a frame the page already holds (no data read): listed, not scoped."""
    _register(fn, "transform: reads nothing")
    return fn


@overload
def reference(
    reason: str, *, cached: Literal[True] = ...
) -> Callable[[Callable[P, R]], Cached[P, R]]: ...
@overload
def reference(
    reason: str, *, cached: Literal[False]
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...
def reference(reason: str, *, cached: bool = True) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        inner = st.cache_data(ttl=TTL_SECONDS, show_spinner=False)(fn) if cached else fn
        _register(inner, f"reference: {reason}")
        return inner

    return wrap
