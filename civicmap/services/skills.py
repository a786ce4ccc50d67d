"""Skills: one vocabulary for what offers and profiles give and what projects, ideas and
proposals need. Typed as comma-separated text; stored lower case, single-spaced, hyphens as
spaces, each alias replaced by its skill from the `skill_synonyms` table (which moderators edit,
and which migration 0023's civicmap_skill() reads the same way in SQL)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from civicmap.errors import Forbidden, Invalid
from civicmap.models import SkillSynonym, User

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
_SEPARATORS = re.compile(r"[\s_-]+")


def tidy(tag: str) -> str:
    """' First-Aid ' -> 'first aid': the same rule as civicmap_skill() in SQL."""
    return _SEPARATORS.sub(" ", tag.lower()).strip()


def parse(session: Session, raw: str | None, field: str = "skills") -> list[str]:
    """'Gardening, Handy-person,gardening' -> ['gardening', 'diy'] (order kept, once each)."""
    typed: list[str] = []
    for part in (raw or "").split(","):
        tag = tidy(part)
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise Invalid(
                field, _l("Each skill can be at most %(n)s characters.", n=MAX_TAG_LENGTH)
            )
        typed.append(tag)
    if len(set(typed)) > MAX_TAGS:
        raise Invalid(field, _l("Give at most %(n)s skills.", n=MAX_TAGS))
    meant = synonyms_of(session, typed)
    return list(dict.fromkeys(meant.get(tag, tag) for tag in typed))


def synonyms_of(session: Session, tags: list[str]) -> dict[str, str]:
    if not tags:
        return {}
    rows = session.execute(
        select(SkillSynonym.alias, SkillSynonym.skill).where(SkillSynonym.alias.in_(set(tags)))
    )
    return {alias: skill for alias, skill in rows}


def as_text(tags: list[str] | None) -> str:
    """What a form shows for stored tags."""
    return ", ".join(tags or [])


# --- the synonyms table, for moderators ---------------------------------------------------------


def all_synonyms(session: Session) -> list[SkillSynonym]:
    return list(
        session.scalars(select(SkillSynonym).order_by(SkillSynonym.skill, SkillSynonym.alias))
    )


def add_synonym(session: Session, moderator: User, alias: str, skill: str) -> SkillSynonym:
    """Say that `alias` means `skill`, and rewrite every tag already stored that way."""
    _require_moderator(moderator)
    alias, skill = tidy(alias), tidy(skill)
    if not alias or not skill:
        raise Invalid("alias", _l("Give both the word people use and the skill it means."))
    if max(len(alias), len(skill)) > MAX_TAG_LENGTH:
        raise Invalid("alias", _l("Each skill can be at most %(n)s characters.", n=MAX_TAG_LENGTH))
    skill = synonyms_of(session, [skill]).get(skill, skill)  # an alias of an alias: the skill
    if alias == skill:
        raise Invalid("alias", _l("A word cannot be a synonym of itself."))
    synonym = session.get(SkillSynonym, alias)
    if synonym is None:
        synonym = SkillSynonym(alias=alias, skill=skill)
        session.add(synonym)
    synonym.skill = skill
    # Anything that pointed at the new alias now points at its skill: the table stays one step.
    session.execute(
        text("UPDATE skill_synonyms SET skill = :skill WHERE skill = :alias"),
        {"skill": skill, "alias": alias},
    )
    session.flush()
    for table, column in (
        ("initiatives", "skills"),
        ("initiatives", "skills_needed"),
        ("proposals", "skills_needed"),
        ("users", "skills"),
    ):
        session.execute(
            text(
                f"UPDATE {table} SET {column} = civicmap_skills({column})"
                f" WHERE {column} @> ARRAY[:alias]::varchar[]"
            ),
            {"alias": alias},
        )
    return synonym


def remove_synonym(session: Session, moderator: User, alias: str) -> None:
    """Forget a synonym; tags already rewritten keep the skill they became."""
    _require_moderator(moderator)
    synonym = session.get(SkillSynonym, tidy(alias))
    if synonym is not None:
        session.delete(synonym)
        session.flush()


def _require_moderator(user: User) -> None:
    if not user.is_moderator:
        raise Forbidden(_l("Only moderators can change the skills vocabulary."))


def suggestions(session: Session) -> list[str]:
    """The skills the synonyms table names: suggestions for a form (a small table, no scan)."""
    return list(session.scalars(select(SkillSynonym.skill).distinct().order_by(SkillSynonym.skill)))
