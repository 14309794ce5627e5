"""On PostgreSQL, the officer's plate lookup is a PL/pgSQL function (parking/services/lookups.py).

PostgreSQL keeps the plans of a PL/pgSQL function's statements for the life of the connection,
so a lookup is no longer planned on every call (planning was 0.4 of the statement's 0.9 ms).
A function, unlike a prepared statement, holds no session state that a pooler in transaction
mode (PgBouncer) could lose. A migration that changes a column the function reads must
replace the function too (CREATE OR REPLACE below).
"""

from django.db import migrations

from portal.migration_ops import RunSQLOnPostgreSQL

CREATE = """
CREATE OR REPLACE FUNCTION parking_plate_check(
    p_plate text, p_state text, p_night date, p_at timestamptz, p_actor_id integer,
    p_actor_label text, p_action text, p_permit_type integer, p_detail jsonb,
    p_start timestamptz, p_end timestamptz, p_own boolean
) RETURNS TABLE (
    o_entry_id bigint, o_blanket boolean, o_ban boolean, o_night_id bigint, o_permit_id bigint,
    o_night date, o_plate text, o_plate_state text, o_street_id bigint, o_house_number integer,
    o_status text, o_code text, o_vehicle_type text, o_make text, o_model text, o_colour text,
    o_street_name text
) LANGUAGE plpgsql AS $$
DECLARE
    f record;
BEGIN
    -- Not waiting for the write-ahead log, for this lookup's own transaction only; inside a
    -- caller's transaction the setting is left alone.
    IF p_own THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    SELECT pn.id, pn.permit_id, pn.night, pn.plate, pn.plate_state, pn.street_id,
           pn.house_number, pn.status, p.code, p.vehicle_type, p.make, p.model, p.colour,
           s.name AS street_name
      INTO f
      FROM parking_permitnight pn
      JOIN parking_permit p ON p.id = pn.permit_id
      JOIN portal_street s ON s.id = pn.street_id
     WHERE pn.plate = p_plate AND pn.night = p_night AND pn.status = 'active'
       AND (p_state = '' OR pn.plate_state = p_state)
     LIMIT 1;
    -- The audit entry, found or not. target_label is str(permit): "XXXX-XXXXX PLATE (ST)".
    INSERT INTO portal_auditentry (at, actor_id, actor_label, action, target_type_id, target_id,
                                   target_label, detail)
    VALUES (
        p_at, p_actor_id, p_actor_label, p_action,
        CASE WHEN f.id IS NULL THEN NULL ELSE p_permit_type END,
        COALESCE(f.permit_id::text, ''),
        COALESCE(LEFT(CASE WHEN length(f.code) > 4
                           THEN substr(f.code, 1, 4) || '-' || substr(f.code, 5)
                           ELSE f.code END
                      || ' ' || f.plate || ' (' || f.plate_state || ')', 200), ''),
        jsonb_set(p_detail, '{permitted}', to_jsonb(f.id IS NOT NULL))
    )
    RETURNING id INTO o_entry_id;
    o_blanket := EXISTS (SELECT 1 FROM parking_blanketnight WHERE night = p_night);
    o_ban := EXISTS (SELECT 1 FROM parking_snowemergency
                     WHERE starts_at < p_end AND ends_at > p_start);
    o_night_id := f.id;
    o_permit_id := f.permit_id;
    o_night := f.night;
    o_plate := f.plate;
    o_plate_state := f.plate_state;
    o_street_id := f.street_id;
    o_house_number := f.house_number;
    o_status := f.status;
    o_code := f.code;
    o_vehicle_type := f.vehicle_type;
    o_make := f.make;
    o_model := f.model;
    o_colour := f.colour;
    o_street_name := f.street_name;
    RETURN NEXT;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS parking_plate_check(
    text, text, date, timestamptz, integer, text, text, integer, jsonb, timestamptz, timestamptz,
    boolean
);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("parking", "0003_address_night_index"),
        ("portal", "0005_notification_attachments"),
    ]
    operations = [RunSQLOnPostgreSQL(CREATE, DROP)]
