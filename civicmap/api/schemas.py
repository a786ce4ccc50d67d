"""The API's documents as Pydantic models: they validate queries and generate the OpenAPI schema."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from civicmap.models.vocabulary import CATEGORIES, OFFER_TYPES, PROPOSAL_STATUSES, STATUSES

Category = Literal[tuple(CATEGORIES)]  # type: ignore[valid-type]


class _Query(BaseModel):
    model_config = ConfigDict(extra="ignore")

    bbox: str | None = Field(
        None,
        description="Only features inside this box: west,south,east,north in WGS84 degrees.",
        examples=["-0.13,51.45,-0.10,51.47"],
        max_length=200,
        pattern=r"^\s*-?\d+(\.\d+)?(\s*,\s*-?\d+(\.\d+)?){3}\s*$",
    )
    limit: int = Field(100, ge=1, le=1000, description="How many features per page.")
    offset: int = Field(0, ge=0, le=1_000_000, description="How many features to skip.")


def list_query(name: str, statuses: dict | None) -> type[BaseModel]:
    """The query parameters of a list endpoint; status values depend on the collection."""
    fields: dict = {
        "ward": (str | None, Field(None, max_length=100, description="A ward's slug.")),
        "updated_since": (
            datetime | None,
            Field(None, description="Only features updated at or after this RFC 3339 time."),
        ),
    }
    if statuses is not None:
        fields |= {
            "category": (Category | None, Field(None, description="One category.")),
            "status": (Literal[tuple(statuses)] | None, Field(None, description="One status.")),
            "q": (str | None, Field(None, max_length=200, description="Words to search for.")),
        }
    return create_model(name, __base__=_Query, **fields)


ProjectQuery = list_query("ProjectQuery", STATUSES["project"])
IdeaQuery = list_query("IdeaQuery", STATUSES["idea"])
OfferQuery = list_query("OfferQuery", STATUSES["offer"])
ProposalQuery = list_query("ProposalQuery", PROPOSAL_STATUSES)
WardQuery = list_query("WardQuery", None)


class Link(BaseModel):
    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class Point(BaseModel):
    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=2, description="[lon, lat]")


class Polygonal(BaseModel):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list


class WardRef(BaseModel):
    code: str
    name: str
    slug: str


class ItemProperties(BaseModel):
    kind: Literal["project", "idea", "offer"]
    title: str
    summary: str | None
    description: str
    category: Category
    status: str
    ward: WardRef
    appreciations: int = Field(ge=0)
    created_at: datetime
    updated_at: datetime
    website: str | None = None
    from_idea_id: int | None = None
    offer_type: Literal[tuple(OFFER_TYPES)] | None = None  # type: ignore[valid-type]
    skills: list[str] | None = None
    availability: str | None = None


class ItemFeature(BaseModel):
    type: Literal["Feature"]
    id: int
    geometry: Point = Field(description="Public point; an offer's is on a ~250 m grid.")
    properties: ItemProperties


class InitiativeRef(BaseModel):
    id: int
    kind: Literal["project", "idea"]
    title: str


class ProposalProperties(BaseModel):
    action: str
    due_on: date | None
    volunteers_needed: int = Field(ge=0, le=100)
    volunteers: int = Field(ge=0, description="How many volunteer (never who).")
    status: Literal[tuple(PROPOSAL_STATUSES)]  # type: ignore[valid-type]
    initiative: InitiativeRef
    ward: WardRef
    created_at: datetime
    updated_at: datetime


class ProposalFeature(BaseModel):
    type: Literal["Feature"]
    id: int
    geometry: Point
    properties: ProposalProperties


class WardProperties(BaseModel):
    code: str
    name: str
    slug: str


class WardFeature(BaseModel):
    type: Literal["Feature"]
    id: str
    geometry: Polygonal
    properties: WardProperties


def collection(name: str, feature: type[BaseModel]) -> type[BaseModel]:
    return create_model(
        name,
        type=(Literal["FeatureCollection"], ...),
        features=(list[feature], ...),
        numberMatched=(int, Field(ge=0)),
        numberReturned=(int, Field(ge=0)),
        links=(list[Link], ...),
    )


ItemCollection = collection("ItemCollection", ItemFeature)
ProposalCollection = collection("ProposalCollection", ProposalFeature)
WardCollection = collection("WardCollection", WardFeature)


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
