// Package dbtest gives each test its own fresh, migrated PostgreSQL database
// on the real server — never a mock.
//
// The first call in a process builds a template database for the current set
// of migrations (named by their hash, so a changed migration gets a new
// template); every test then gets a cheap copy of it, dropped when the test
// ends. The server is found through HAVEN_TEST_DATABASE_URL, defaulting to
// postgres://postgres@127.0.0.1:5432/postgres.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations"
)

const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// AdminURL is the URL of the maintenance database used to create test databases.
func AdminURL() string {
	if u := os.Getenv("HAVEN_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultAdminURL
}

// URLFor returns AdminURL with the database name replaced by name.
func URLFor(name string) string {
	u, err := url.Parse(AdminURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// New returns a pool on a new, fully migrated database that is dropped when
// the test ends. The pool is closed before the drop.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	name := NewDatabase(t)
	pool, err := pgxpool.New(context.Background(), URLFor(name))
	if err != nil {
		t.Fatalf("dbtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewDatabase creates a fresh migrated database and returns its name; it is
// dropped (forcibly) when the test ends. Use it when the test needs the URL,
// for example to start the whole server.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx) })
	if templateErr != nil {
		t.Fatalf("dbtest: template: %v", templateErr)
	}
	name := "haven_t_" + randomHex(8)
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("dbtest: connect to %s: %v (is PostgreSQL running?)", AdminURL(), err)
	}
	defer admin.Close(ctx)
	if err := createFromTemplate(ctx, admin, name, templateName); err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Logf("dbtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dbtest: drop %s: %v", name, err)
		}
	})
	return name
}

// createFromTemplate copies the template, retrying while another session
// briefly holds the template open.
func createFromTemplate(ctx context.Context, admin *pgx.Conn, name, template string) error {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		_, err = admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template))
		if err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// ensureTemplate creates (once per migration set, across processes) a
// migrated template database and returns its name.
func ensureTemplate(ctx context.Context) (string, error) {
	all, err := migrations.All()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range all {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", m.Version, m.Name, m.SQL)
	}
	name := "haven_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]

	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w (is PostgreSQL running?)", AdminURL(), err)
	}
	defer admin.Close(ctx)
	// A session-level advisory lock serializes template builds across the
	// test binaries that go test runs in parallel.
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7263551)`); err != nil {
		return "", err
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(7263551)`)

	var ready bool
	err = admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&ready)
	if err != nil || ready {
		return name, err
	}
	building := name + "_b"
	admin.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, URLFor(building))
	if err != nil {
		return "", err
	}
	_, err = migrations.Apply(ctx, pool)
	pool.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" WITH IS_TEMPLATE true"); err != nil {
		return "", err
	}
	return name, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
