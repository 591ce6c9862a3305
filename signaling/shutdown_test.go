package signaling

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestShutdownDrains: Shutdown closes every connection with 1001, refuses
// new upgrades, and leaves no goroutine behind.
func TestShutdownDrains(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{})
	h := n.hub
	var clients []*client
	for i := range 40 {
		c := dial(t, n, int64(1+i%10))
		c.hello()
		clients = append(clients, c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	codes := make([]int, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() { codes[i] = int(c.closeStatus()) })
	}
	if err := h.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, code := range codes {
		if code != int(CloseGoingAway) {
			t.Errorf("client %d closed with %d, want 1001", i, code)
		}
	}
	if _, err := tryDial(n, "1"); err == nil || !strings.Contains(err.Error(), "status 503") {
		t.Errorf("dial after shutdown: %v, want status 503", err)
	}
	if got := h.stats.conns.Load(); got != 0 {
		t.Errorf("%d connections after shutdown", got)
	}
}

// TestImportRules: signaling imports no Haven package but portal/fault and
// portal/account (DESIGN.md: the hub knows nothing of chat, crisis, media,
// push, web or cmd).
func TestImportRules(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "haven/") && p != "haven/portal/fault" && p != "haven/portal/account" {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
	if _, err := os.Stat("PROTOCOL.md"); err != nil {
		t.Errorf("PROTOCOL.md: %v", err)
	}
}
