package chatbench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// rss returns the summed resident memory of pids in bytes (this process
// when pids is empty, after a garbage collection).
func rss(pids []int) (int64, error) {
	if len(pids) == 0 {
		runtime.GC()
		debug.FreeOSMemory()
		return rssOf("/proc/self/status")
	}
	var total int64
	for _, pid := range pids {
		n, err := rssOf("/proc/" + strconv.Itoa(pid) + "/status")
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// rssOf reads VmRSS from a /proc status file.
func rssOf(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("chatbench: memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("chatbench: memory: %w", err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("chatbench: no VmRSS in %s", path)
}
