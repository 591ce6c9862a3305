package signaling

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestMain lets the test binary act as a crowd of idle clients for
// BenchmarkIdleConnectionMemory (HAVEN_WS_CLIENTS_URL set), so that the
// server's memory is measured without the clients' in the same process.
func TestMain(m *testing.M) {
	if url := os.Getenv("HAVEN_WS_CLIENTS_URL"); url != "" {
		n, _ := strconv.Atoi(os.Getenv("HAVEN_WS_CLIENTS_N"))
		if err := idleClients(url, n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// idleClients opens n connections, says hello on each, prints "ready" and
// keeps them open (answering pings) until stdin closes.
func idleClients(url string, n int) error {
	ctx := context.Background()
	conns := make([]*websocket.Conn, 0, n)
	for i := range n {
		h := http.Header{"X-Test-User": {strconv.Itoa(i + 1)}}
		c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			return fmt.Errorf("client %d: %w", i, err)
		}
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"hello","data":{"protocol":1}}`)); err != nil {
			return err
		}
		if _, _, err := c.Read(ctx); err != nil {
			return err
		}
		c.CloseRead(ctx)
		conns = append(conns, c)
	}
	fmt.Println("ready")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	for _, c := range conns {
		c.CloseNow()
	}
	return nil
}

// BenchmarkIdleConnectionMemory measures the server side of idle, live
// connections (hello done, no traffic): 2,000 clients run in a child process,
// and the hub process's heap in use, goroutine stacks and goroutines are
// compared before and after, divided by the number of connections.
func BenchmarkIdleConnectionMemory(b *testing.B) {
	const n = 2000
	if os.Getenv("HAVEN_HEAP_PROFILE") != "" {
		runtime.MemProfileRate = 64
	}
	node := startNode(b, Options{})
	before := memNow()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "HAVEN_WS_CLIENTS_URL="+node.url, "HAVEN_WS_CLIENTS_N="+strconv.Itoa(n))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		b.Fatalf("clients: %q %v", line, err)
	}
	waitFor(b, "all connections registered", func() bool { return node.hub.stats.conns.Load() == n })
	time.Sleep(500 * time.Millisecond) // let the presence writes settle
	after := memNow()
	if path := os.Getenv("HAVEN_HEAP_PROFILE"); path != "" {
		f, _ := os.Create(path)
		_ = pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
	b.ReportMetric(float64(after.heap-before.heap)/n, "heap-B/conn")
	b.ReportMetric(float64(after.stack-before.stack)/n, "stack-B/conn")
	b.ReportMetric(float64(after.heap+after.stack-before.heap-before.stack)/n, "total-B/conn")
	b.ReportMetric(float64(after.goroutines-before.goroutines)/n, "goroutines/conn")
}

type memSample struct {
	heap, stack uint64
	goroutines  int
}

func memNow() memSample {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memSample{heap: m.HeapInuse, stack: m.StackInuse, goroutines: runtime.NumGoroutine()}
}
