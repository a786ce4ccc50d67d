"""The one small table that keeps skill tags in one vocabulary: an alias and the skill it means."""

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from civicmap.extensions import db


class SkillSynonym(db.Model):
    """ "handy person" means "diy": typed tags are stored as the skill (migration 0023's
    civicmap_skill() reads the same table)."""

    __tablename__ = "skill_synonyms"
    __table_args__ = (
        CheckConstraint("alias <> skill", name="ck_skill_synonyms_not_itself"),
        CheckConstraint(
            "alias = lower(btrim(alias)) AND skill = lower(btrim(skill))",
            name="ck_skill_synonyms_normal",
        ),
    )

    alias: Mapped[str] = mapped_column(String(40), primary_key=True)
    skill: Mapped[str] = mapped_column(String(40))
