"""What the program admin's change form posts, for tests that save a program page through it."""


def program_form_data(program, **changes) -> dict:
    """The program's own fields as the change form posts them, with no inline rows; `changes`
    overrides any field."""
    data = {
        "title_en": program.title_en,
        "title_es": program.title_es,
        "slug": program.slug,
        "summary_en": program.summary_en,
        "summary_es": program.summary_es,
        "body_en": program.body_en,
        "body_es": program.body_es,
        "order": program.order,
        "contact_officer": program.contact_officer_id or "",
        "publish_at_0": "",
        "publish_at_1": "",
        "unpublish_at_0": "",
        "unpublish_at_1": "",
    }
    for prefix in ("images", "partners", "news"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data
