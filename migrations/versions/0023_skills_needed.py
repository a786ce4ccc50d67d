"""Skills needed: projects, ideas and proposals say which skills they need, in the same words
offers and profiles use. Tags are normalised through one small editable table of synonyms
("handy person" and "diy" are one skill), and array indexes serve "which needs fit my skills".

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# A start; moderators edit the rest at /moderation/skills.
SYNONYMS = {
    "handy person": "diy",
    "handyman": "diy",
    "handywoman": "diy",
    "odd jobs": "diy",
    "carpenter": "carpentry",
    "woodwork": "carpentry",
    "joinery": "carpentry",
    "gardener": "gardening",
    "horticulture": "gardening",
    "photographer": "photography",
    "translating": "translation",
    "translator": "translation",
    "interpreting": "translation",
    "cook": "cooking",
    "catering": "cooking",
    "programming": "coding",
    "software": "coding",
    "web development": "coding",
    "book keeping": "bookkeeping",
    "accounts": "bookkeeping",
    "fund raising": "fundraising",
    "grant writing": "fundraising",
    "bike mechanic": "bike repair",
    "cycle repair": "bike repair",
    "first aider": "first aid",
    "graphic design": "design",
    "illustration": "design",
    "teacher": "teaching",
    "tutoring": "teaching",
    "driver": "driving",
    "electrician": "electrics",
    "plumber": "plumbing",
    "painter": "painting",
    "decorating": "painting",
}

OPEN_NEEDS = (
    "NOT hidden AND skills_needed <> '{}' AND kind IN ('project', 'idea')"
    " AND status IN ('idea', 'planning', 'active', 'open')"
)

# Lower case, hyphens and underscores as spaces, single spaces; then the synonyms table.
NORMALISE = """
CREATE FUNCTION civicmap_skill(raw text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT skill FROM skill_synonyms WHERE alias = t.tag), t.tag)
  FROM (SELECT btrim(regexp_replace(lower(raw), '[\\s_-]+', ' ', 'g')) AS tag) t
$$;
CREATE FUNCTION civicmap_skills(raw text[]) RETURNS varchar(40)[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(s ORDER BY first), '{}')
  FROM (SELECT civicmap_skill(r) AS s, min(n) AS first
        FROM unnest(raw) WITH ORDINALITY AS u(r, n) GROUP BY 1) x
  WHERE s <> ''
$$;
"""


def upgrade():
    op.create_table(
        "skill_synonyms",
        sa.Column("alias", sa.String(40), primary_key=True),
        sa.Column("skill", sa.String(40), nullable=False),
        sa.CheckConstraint("alias <> skill", name="ck_skill_synonyms_not_itself"),
        sa.CheckConstraint(
            "alias = lower(btrim(alias)) AND skill = lower(btrim(skill))",
            name="ck_skill_synonyms_normal",
        ),
    )
    op.bulk_insert(
        sa.table("skill_synonyms", sa.column("alias"), sa.column("skill")),
        [{"alias": a, "skill": s} for a, s in SYNONYMS.items()],
    )
    op.execute(NORMALISE)
    for table in ("initiatives", "proposals"):
        op.add_column(
            table,
            sa.Column("skills_needed", ARRAY(sa.String(40)), server_default="{}", nullable=False),
        )
        op.create_check_constraint(
            f"ck_{table}_skills_needed", table, "cardinality(skills_needed) <= 20"
        )
    op.create_check_constraint(
        "ck_initiatives_skills_needed_kind",
        "initiatives",
        "kind <> 'offer' OR skills_needed = '{}'",
    )
    # What people already typed, in the words of the table.
    op.execute("UPDATE initiatives SET skills = civicmap_skills(skills) WHERE skills <> '{}'")
    op.execute("UPDATE users SET skills = civicmap_skills(skills) WHERE skills <> '{}'")
    # Array overlap (&&) on what is offered and what is needed, only over the rows matched.
    op.create_index(
        "ix_initiatives_offered_skills",
        "initiatives",
        ["skills"],
        postgresql_using="gin",
        postgresql_where=sa.text("kind = 'offer' AND NOT hidden AND skills <> '{}'"),
    )
    # Only open needs: matching names the same conditions, so the planner reads this index
    # alone (with a wider one it AND-ed the kind and point indexes, 700,000 rows each, in).
    op.create_index(
        "ix_initiatives_skills_needed",
        "initiatives",
        ["skills_needed"],
        postgresql_using="gin",
        postgresql_where=sa.text(OPEN_NEEDS),
    )
    op.create_index(
        "ix_proposals_skills_needed",
        "proposals",
        ["skills_needed"],
        postgresql_using="gin",
        postgresql_where=sa.text("NOT hidden AND skills_needed <> '{}'"),
    )


def downgrade():
    op.drop_index("ix_proposals_skills_needed", "proposals")
    op.drop_index("ix_initiatives_skills_needed", "initiatives")
    op.drop_index("ix_initiatives_offered_skills", "initiatives")
    op.drop_constraint("ck_initiatives_skills_needed_kind", "initiatives")
    for table in ("initiatives", "proposals"):
        op.drop_constraint(f"ck_{table}_skills_needed", table)
        op.drop_column(table, "skills_needed")
    op.execute("DROP FUNCTION civicmap_skills(text[]); DROP FUNCTION civicmap_skill(text)")
    op.drop_table("skill_synonyms")
