"""How feature apps put their content on site-wide pages without portal importing them.

A feature app registers, in its AppConfig.ready():
- a `Service`: a thing residents can do (a card on the home page and an entry in the menu);
- a `Panel`: a block on the home page, on a neighborhood's page (upcoming events, meetings) or
  on the careers page (information sessions);
- a `DemoLoader`: the app's part of the demo data that `make run` loads;
- an `AnonymousPath`: a URL prefix whose visitors stay anonymous (portal/anonymity.py strips
  their address, user agent and referrer before anything else sees the request);
- a `FooterLink`: a link in every page's footer (complaints and commendations, say);
- its `AuditAction`s: every action name its services write to the audit log, with a label for
  the audit log's filter. `audit_record` refuses a name nobody registered, so the list in each
  app's `audit.py` is the whole list.
Remove the app from INSTALLED_APPS and its cards and panels are simply gone (pretix fills its
pages through plugin signals in the same spirit; a registry is enough for us).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.utils.functional import Promise

T = TypeVar("T")


@dataclass(frozen=True)
class Service:
    key: str
    title: str | Promise
    summary: str | Promise
    url_name: str
    menu_title: str | Promise = ""
    order: int = 100
    icon: str = "navigate_next"  # a USWDS icon name
    in_menu: bool = True


@dataclass(frozen=True)
class Panel:
    """A block on a site-wide page. `context(request, **kwargs)` returns the template context,
    or None to show nothing (no events to list, say).

    `cacheable`: the owning app invalidates the page cache (portal.services.page_cache)
    whenever what the panel shows changes. A page with a panel that is not is never cached."""

    key: str
    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int = 100
    cacheable: bool = False


@dataclass
class Registry(Generic[T]):
    name: str
    _items: dict[str, T] = field(default_factory=dict)

    def register(self, item: T) -> T:
        self._items[item.key] = item  # re-registering a key replaces it (autoreload safe)
        return item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def all(self) -> list[T]:
        return sorted(self._items.values(), key=lambda item: (item.order, item.key))


@dataclass(frozen=True)
class DemoLoader:
    """Loads a feature app's demo data; `demo_setup` calls each after the kernel's own."""

    key: str
    load: Callable[[], None]
    order: int = 100


@dataclass(frozen=True)
class AuditAction:
    """One kind of audit entry. `key` is `<app>.<thing>.<past participle>`:
    "tips.tip.decrypted", "records.document.released", "parking.permit.revoked"."""

    key: str
    label: str | Promise
    order: int = 100


@dataclass(frozen=True)
class AnonymousPath:
    """Pages under `prefix` ("/tips/", with or without a language prefix in front) are for
    people who must stay anonymous: see portal/anonymity.py."""

    key: str
    prefix: str
    order: int = 100


# The verbs `AuditedModelAdmin` writes for any model it manages (`<app>.<model>.<verb>`).
ADMIN_AUDIT_VERBS = ("added", "changed", "deleted", "viewed")


def audit_action_known(action: str) -> bool:
    return action in audit_actions._items or action.rsplit(".", 1)[-1] in ADMIN_AUDIT_VERBS


@dataclass(frozen=True)
class BodyLimit:
    """A larger request body a feature accepts on its own paths (portal/uploads.py)."""

    key: str
    prefixes: tuple[str, ...]
    max_bytes: int
    order: int = 100


@dataclass(frozen=True)
class FooterLink:
    """A link in every page's footer, to the page named `url_name`."""

    key: str
    title: str | Promise
    url_name: str
    order: int = 100


services: Registry[Service] = Registry("services")
body_limits: Registry[BodyLimit] = Registry("body limits")
audit_actions: Registry[AuditAction] = Registry("audit actions")
demo_loaders: Registry[DemoLoader] = Registry("demo loaders")
anonymous_paths: Registry[AnonymousPath] = Registry("anonymous paths")
home_panels: Registry[Panel] = Registry("home panels")
neighborhood_panels: Registry[Panel] = Registry("neighborhood panels")
careers_panels: Registry[Panel] = Registry("careers panels")
footer_links: Registry[FooterLink] = Registry("footer links")


def render_panels(registry: Registry[Panel], request: HttpRequest, **kwargs) -> list[dict]:
    """The panels that have something to show, each as {"template": ..., "context": ...}."""
    from portal.services.page_cache import page_cache_skip  # noqa: PLC0415 - it imports us

    shown = []
    for panel in registry.all():
        if not panel.cacheable:
            page_cache_skip(request)
        context = panel.context(request, **kwargs)
        if context is not None:
            shown.append({"key": panel.key, "template": panel.template, "context": context})
    return shown


# --- Figures on the department's transparency page (/accountability/) --------------------------


@dataclass(frozen=True)
class FigureColumn:
    """One column of a figures table after the row label.

    `kind` "count": a number of cases, suppressed under 5 (portal/figures.py). "measure": a
    figure worked out from counts (a median, a rate), shown only while every count column named
    in `basis` is shown in the same row. `unit` follows a measure ("%", " days")."""

    key: str
    label: str | Promise
    kind: str = "count"
    basis: tuple[str, ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class FigureChart:
    """The columns (count or measure keys) the chart draws, one bar per row for one column,
    grouped bars for several; `rows`: draw only the first n data rows (None: all)."""

    columns: tuple[str, ...]
    rows: int | None = None


@dataclass(frozen=True)
class FigureTable:
    """Raw figures as a figure set returns them: `rows` are `[label, value, ...]` in the order
    of `columns`; the last `total_rows` rows are totals (sums of the rows above, computed by the
    figure set from the true counts). Nothing here is published until portal.figures.publish
    has suppressed it."""

    key: str
    title: str | Promise
    row_heading: str | Promise
    columns: tuple[FigureColumn, ...]
    rows: list[list[Any]]
    note: str | Promise = ""
    chart: FigureChart | None = None
    total_rows: int = 0


@dataclass(frozen=True)
class FigurePeriod:
    """The days a page or a report covers, both ends included (department's calendar)."""

    start: Any  # datetime.date
    end: Any  # datetime.date


@dataclass(frozen=True)
class FigureSet:
    """An app's part of the transparency page. `tables(period)` runs under the reader's
    language and returns the raw tables for the cases of `period` (the page's last 24 months,
    or a board report's quarter); the page, the CSV, the JSON and the board's PDF all publish
    them through one function, portal.figures.publish, which suppresses small counts.

    The kernel caches the published tables; the app calls `portal.figures.figures_changed(key)`
    (after commit) when what they count changes, or relies on `cache_seconds`."""

    key: str
    title: str | Promise
    tables: Callable[[FigurePeriod], list[FigureTable]]
    summary: str | Promise = ""
    order: int = 100
    cache_seconds: int = 3600


figure_sets: Registry[FigureSet] = Registry("figure sets")


# --- Retention: what the purge job may delete, and when ----------------------------------------


@dataclass(frozen=True)
class RetentionKind:
    """A kind of record the retention job purges once the department's period has passed
    (portal/services/retention/; docs/conventions.md says how an app registers one).

    - `key`: "<app>.<thing>" ("tips.tip"); also the key of its policy row in admin.
    - `model`: "app_label.ModelName" of the rows purged.
    - `date_field`: ORM path to the date or time the period runs from ("closed_at",
      "tip__closed_at"); a row whose date is empty is never due. A row is due on the
      department's local day `date + days`.
    - `default_days`, `schedule`: the default period and the Connecticut State Library schedule
      item it comes from (shown as the policy's help text).
    - `minimum_days`: the department cannot set a shorter period than this.
    - `eligible`: narrows the rows that may ever be purged (closed tips only, say).
    - `files`: ORM paths to the FileFields whose files go with the rows ("packet",
      "attachments__original"); deleted from storage only after the rows' deletion commits.
    - `hold_paths`: where a legal hold is looked for: "" the row itself (a hold can be placed on
      rows of this kind), "tip" the tip a message belongs to. () for records no hold can reach.
    - `hold_generic`: ("content type field", "id field") of a row that names its case generically
      (an audit entry's target): a hold on that case keeps the row too.
    - `case_field`: the field staff type to name a case when placing a hold (a tip's number).
    - `purge`: what is done to a due batch (a queryset); by default the rows are deleted. A kind
      that only clears some fields (contact details) passes a function and an `eligible` that
      leaves out rows already cleared. Returns how many rows it purged."""

    key: str
    label: str | Promise
    model: str
    date_field: str
    default_days: int
    schedule: str | Promise
    minimum_days: int = 1
    eligible: Callable[[Any], Any] | None = None
    files: tuple[str, ...] = ()
    hold_paths: tuple[str, ...] = ("",)
    hold_generic: tuple[str, str] = ()
    case_field: str = "pk"
    purge: Callable[[Any], int] | None = None
    order: int = 100


retention_kinds: Registry[RetentionKind] = Registry("retention kinds")
