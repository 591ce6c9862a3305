package chat

import (
	"context"
	"fmt"
	"sync"
)

// fakeNotifier records push calls.
type fakeNotifier struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeNotifier) NotifyNewMessage(_ context.Context, user, conv int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("notify %d %d", user, conv))
	return nil
}

func (f *fakeNotifier) MarkRead(_ context.Context, user, conv int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("read %d %d", user, conv))
	return nil
}

func (f *fakeNotifier) has(s string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if c == s {
			return true
		}
	}
	return false
}

// fakeRisk records what it screens.
type fakeRisk struct {
	mu   sync.Mutex
	seen []string
}

func (f *fakeRisk) PatientMessage(_ context.Context, patient, conv, seq int64, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, fmt.Sprintf("%d %d %d %s", patient, conv, seq, body))
}
