package visits

import (
	"flag"
	"os"
	"testing"
)

// TestMain lets this package's tests overlap more than GOMAXPROCS allows by
// default: each has its own database and spends its time waiting on
// PostgreSQL, not on the CPU. An explicit -test.parallel wins.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "6")
	}
	os.Exit(m.Run())
}
