package push

import (
	"context"
	"strings"
	"testing"

	"haven/migrations/dbtest"
)

func TestBenchRunsAndCleansUp(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	var out strings.Builder
	err := Bench(context.Background(), pool, newTestSealer(t), &out, BenchOptions{Pushes: 20, Concurrency: 4, Reminders: 30, Users: 3, Workers: 8})
	if err != nil {
		t.Fatalf("Bench: %v\n%s", err, out.String())
	}
	for _, want := range []string{"pushes/s", "delivered 30", "lateness due→sent: p50"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	var users int
	pool.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE email LIKE 'push-bench-%'`).Scan(&users)
	if users != 0 {
		t.Fatalf("%d bench users left behind", users)
	}
	t.Log("\n" + out.String())
}
