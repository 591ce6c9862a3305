package media

import (
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkMediaBench runs the `portal bench media` load generator once:
//
//	go test -run XXX -bench MediaBench -benchtime 1x ./media/
func BenchmarkMediaBench(b *testing.B) {
	for range b.N {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		err := Bench(ctx, os.Stdout, BenchOptions{})
		cancel()
		if err != nil {
			b.Fatal(err)
		}
	}
}
