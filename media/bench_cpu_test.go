package media

import (
	"testing"
	"time"
)

// spin burns CPU for d.
func spin(d time.Duration) int {
	n := 0
	for end := time.Now().Add(d); time.Now().Before(end); {
		n++
	}
	return n
}

func TestProfileSplitByLabel(t *testing.T) {
	split, ok, err := profileWindow(func() error {
		onSFU(func() { spin(400 * time.Millisecond) })
		onGenerator(func() { spin(400 * time.Millisecond) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skip("the CPU profiler is in use (go test -cpuprofile)")
	}
	t.Logf("split: %+v", split)
	if split.sfu == 0 || split.gen == 0 || split.other > split.sfu+split.gen {
		t.Errorf("split %+v: want CPU under both labels", split)
	}
}
