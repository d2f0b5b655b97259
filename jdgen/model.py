"""Plain, immutable data: the framework library. No I/O, no rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Source:
    """Where something was defined (for error messages)."""

    path: str
    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class Link:
    """A link from an item to an entry of another framework, with a level where the target has levels."""

    framework: str
    target: str
    level: int | None = None


@dataclass(frozen=True)
class Item:
    """A duty or competence statement; sub-items are the indented '…, by:' break-down."""

    id: str
    framework: str
    cluster: str
    kind: str
    text: str
    outcome: str | None = None
    links: tuple[Link, ...] = ()
    sub: tuple[Item, ...] = ()
    parent: str | None = None
    source: Source = Source("")
    #: the text as a training post says it ("Under supervision, …"); empty when a trainee does it alike
    trainee_text: str = ""
    #: the point the item makes when items elsewhere make it too (risk, records, …); empty when none
    theme: str = ""

    def links_to(self, framework: str) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.framework == framework)


@dataclass(frozen=True)
class Cluster:
    """A duty cluster or competence domain."""

    framework: str
    code: str
    title: str
    description: str
    items: tuple[Item, ...]
    required: bool = False
    label: str | None = None
    hours: float | None = None
    source: Source = Source("")
    #: the duty of the whole cluster in a job description's voice; empty when not written
    statement: str = ""
    #: the statement as a training post says it; empty when a trainee does the duty alike
    trainee_statement: str = ""

    @property
    def shown_code(self) -> str:
        return self.label or self.code


@dataclass(frozen=True)
class Level:
    level: int
    title: str | None = None


@dataclass(frozen=True)
class Entry:
    """An entry of a reference framework: a KSF dimension, an ESC, a NOS."""

    id: str
    title: str
    group: str | None = None
    description: str | None = None
    suite: str | None = None
    levels: tuple[Level, ...] = ()

    def level_title(self, level: int) -> str | None:
        return next((lv.title for lv in self.levels if lv.level == level), None)


@dataclass(frozen=True)
class Arrangement:
    """One supervision arrangement: what kind, how often, how long, how delivered."""

    type: str
    #: Interval in weeks; the shortest where the guidance gives a range; None where it sets none.
    every_weeks: float | None
    minutes: int | None
    format: str
    title: str = ""
    minimum: bool = False
    full_time_basis: bool = False
    max_group_size: int | None = None
    group_size: int | None = None
    purpose: str = ""
    rule: str = ""
    provider: str = ""
    note: str = ""  # how a frequency or length was settled where the guidance leaves it open
    #: The longest interval where the guidance gives a range ("every two to four weeks": 2 and 4).
    every_weeks_max: float | None = None
    #: Group size the guidance calls usual ("usually two to three"): shown, never checked.
    usual_group_size: tuple[int, ...] = ()

    @property
    def interval(self) -> tuple[float, float] | None:
        """Shortest and longest interval in weeks (equal unless a range is given), or None."""
        if self.every_weeks is None:
            return None
        return self.every_weeks, self.every_weeks_max or self.every_weeks


#: How messages name the guidance a profile's rules come from, unless the profile says otherwise.
DEFAULT_GUIDANCE = "the guidance"


@dataclass(frozen=True)
class Profile:
    id: str
    title: str
    description: str
    arrangements: tuple[Arrangement, ...]
    guidance: str = DEFAULT_GUIDANCE
    caseload: int | None = None
    supervisees: int | None = None


@dataclass(frozen=True)
class Provenance:
    source: str
    publisher: str
    year: int | None
    authored: str
    notes: str = ""
    url: str = ""


class FrameworkKind(StrEnum):
    """What a framework holds: duty clusters, competence domains, or reference entries."""

    DUTIES = "duties"
    COMPETENCES = "competences"
    REFERENCE = "reference"


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    kind: FrameworkKind
    version: str
    provenance: Provenance
    clusters: tuple[Cluster, ...] = ()
    #: Codes of the clusters every post of this framework takes (may be empty).
    core: tuple[str, ...] = ()
    entries: tuple[Entry, ...] = ()
    profiles: tuple[Profile, ...] = ()
    all_staff: tuple[Arrangement, ...] = ()
    principles: tuple[str, ...] = ()
    short_title: str | None = None
    description: str = ""
    origin: str = "bundled"
    source: Source = Source("")

    @property
    def is_reference(self) -> bool:
        """KSF, ESC, NOS, supervision profiles: linked to, never taken by a post."""
        return self.kind is FrameworkKind.REFERENCE

    @property
    def is_duties(self) -> bool:
        return self.kind is FrameworkKind.DUTIES

    @property
    def is_competences(self) -> bool:
        return self.kind is FrameworkKind.COMPETENCES

    def all_items(self) -> list[Item]:
        """Top-level items in framework order."""
        return [item for cluster in self.clusters for item in cluster.items]


@dataclass(frozen=True)
class Library:
    """Every loaded framework, with indexes for lookups by id."""

    frameworks: dict[str, Framework]
    _items: dict[tuple[str, str], Item] = field(default_factory=dict, repr=False)
    _entries: dict[tuple[str, str], Entry] = field(default_factory=dict, repr=False)
    _clusters: dict[tuple[str, str], Cluster] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, frameworks: dict[str, Framework]) -> Library:
        items: dict[tuple[str, str], Item] = {}
        clusters: dict[tuple[str, str], Cluster] = {}
        entries: dict[tuple[str, str], Entry] = {}
        for fw in frameworks.values():
            for cluster in fw.clusters:
                clusters[(fw.id, cluster.code)] = cluster
                for item in cluster.items:
                    items[(fw.id, item.id)] = item
                    for sub in item.sub:
                        items[(fw.id, sub.id)] = sub
            for entry in fw.entries:
                entries[(fw.id, entry.id)] = entry
        return cls(frameworks, items, entries, clusters)

    def item(self, framework: str, item_id: str) -> Item | None:
        return self._items.get((framework, item_id))

    def entry(self, framework: str, entry_id: str) -> Entry | None:
        return self._entries.get((framework, entry_id))

    def cluster(self, framework: str, code: str) -> Cluster | None:
        return self._clusters.get((framework, code))

    def canonical_id(self, framework: str, raw: str) -> str:
        """Normalise an id as a user may write it: 'H&S 1' → 'HS1', 'cb 3' stays as typed."""
        text = "".join(raw.split())
        fw = self.frameworks.get(framework)
        if fw is not None:
            for cluster in fw.clusters:
                if cluster.label and text.startswith(cluster.label):
                    return cluster.code + text[len(cluster.label):]
        return text


def display_id(item: Item, library: Library) -> str:
    """How an item id is shown to people: 'H&S 1' for HS1."""
    cluster = library.cluster(item.framework, item.cluster)
    if cluster and cluster.label:
        return f"{cluster.label} {item.id[len(cluster.code):]}"
    return item.id
