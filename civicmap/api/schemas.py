"""The API's documents as Pydantic models, which generate the OpenAPI schemas of its answers (its
query parameters come from civicmap.filters and civicmap.paging)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, create_model

from civicmap.models.vocabulary import (
    CATEGORIES,
    OFFER_TYPES,
    PROPOSAL_STATUSES,
    RESPONSE_STATUSES,
)

Category = Literal[tuple(CATEGORIES)]  # type: ignore[valid-type]


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


class CouncilResponse(BaseModel):
    status: Literal[tuple(RESPONSE_STATUSES)]  # type: ignore[valid-type]
    team: str
    text: str
    at: datetime


class ItemProperties(BaseModel):
    kind: Literal["project", "idea", "offer", "event"]
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
    skills: list[str] | None = Field(None, description="What an offer gives.")
    skills_needed: list[str] | None = Field(
        None, description="What a project or idea asks for, in the same vocabulary."
    )
    availability: str | None = None
    starts_at: datetime | None = Field(None, description="An event's start.")
    ends_at: datetime | None = Field(None, description="An event's end.")
    online_url: str | None = Field(None, description="Where an online event happens.")
    capacity: int | None = Field(None, ge=1, description="An event's places; none: no limit.")
    accessibility: str | None = Field(None, description="Step-free access, hearing loop...")
    about_id: int | None = Field(None, description="The project or idea an event is about.")
    going: int | None = Field(None, ge=0, description="How many are going (never who).")
    council_response: CouncilResponse | None = Field(
        None, description="The council's newest official response, if it has answered."
    )


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
    skills_needed: list[str]
    status: Literal[tuple(PROPOSAL_STATUSES)]  # type: ignore[valid-type]
    starts_at: datetime | None = Field(description="When it happens, if on one occasion.")
    duration_minutes: int | None = Field(ge=15, le=720)
    meeting_place: str | None
    council_response: CouncilResponse | None = Field(
        description="The council's newest official response on this proposal."
    )
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
