package push

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"haven/migrations/dbtest"
)

func TestMigrateIsCurrentAfterMigrations(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	applied, err := Migrate(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("Migrate applied River versions %v: regenerate nothing, but note River was upgraded past 0041", applied)
	}
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Validate(context.Background(), nil)
	if err != nil || !res.OK {
		t.Fatalf("rivermigrate.Validate = %+v, %v", res, err)
	}
}

// TestRiverSchemaMatchesRivermigrate builds River's schema the way River
// does (rivermigrate, in a separate schema) and compares it with what
// migration 0041 created: columns, constraints, indexes and functions.
func TestRiverSchemaMatchesRivermigrate(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE SCHEMA river_ref`); err != nil {
		t.Fatal(err)
	}
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Schema: "river_ref", Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		t.Fatal(err)
	}
	const catalog = `
		SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
			|| CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
			|| coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE n.nspname = $1 AND c.relname LIKE 'river%' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
		UNION ALL
		SELECT 'constraint ' || c.relname || ' ' || pg_get_constraintdef(k.oid)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname LIKE 'river%'
		UNION ALL
		SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename LIKE 'river%'
		UNION ALL
		SELECT 'function ' || pg_get_functiondef(p.oid)
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname LIKE 'river%'
		UNION ALL
		SELECT 'table ' || c.relname || ' persistence ' || c.relpersistence::text
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname LIKE 'river%' AND c.relkind = 'r'
		UNION ALL
		SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
		FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
		WHERE n.nspname = $1 GROUP BY t.typname`
	read := func(schema string) []string {
		rows, err := pool.Query(ctx, catalog, schema)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			s = strings.ReplaceAll(s, schema+".", "")
			s = strings.ReplaceAll(s, "river_migration_pkey1", "river_migration_pkey")
			out = append(out, strings.Join(strings.Fields(s), " "))
		}
		if rows.Err() != nil {
			t.Fatal(rows.Err())
		}
		slices.Sort(out)
		return out
	}
	ours, theirs := read("public"), read("river_ref")
	if len(theirs) < 30 {
		t.Fatalf("read only %d catalog entries of River's schema", len(theirs))
	}
	for _, s := range theirs {
		if !slices.Contains(ours, s) {
			t.Errorf("0041 lacks: %s", s)
		}
	}
	for _, s := range ours {
		if !slices.Contains(theirs, s) {
			t.Errorf("0041 has extra: %s", s)
		}
	}
}
