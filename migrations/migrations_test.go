package migrations_test

import (
	"context"
	"errors"
	"testing"

	"haven/migrations"
	"haven/migrations/dbtest"
)

func TestAllAreNumberedAndOrdered(t *testing.T) {
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i := 1; i < len(all); i++ {
		if all[i].Version <= all[i-1].Version {
			t.Fatalf("migration %s is not after %s", all[i].Name, all[i-1].Name)
		}
	}
}

func TestApplyIsIdempotent(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	applied, err := migrations.Apply(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("a migrated database applied %v again", applied)
	}
	v, err := migrations.Current(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if v != migrations.Latest() {
		t.Fatalf("current = %d, want %d", v, migrations.Latest())
	}
}

func TestApplyRefusesNewerDatabase(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'future.sql')`, migrations.Latest()+1); err != nil {
		t.Fatal(err)
	}
	_, err := migrations.Apply(ctx, pool)
	if !errors.Is(err, migrations.ErrNewerDatabase) {
		t.Fatalf("Apply on a newer database: err = %v, want ErrNewerDatabase", err)
	}
}
