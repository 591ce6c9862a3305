package fault

import (
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

func TestClassifiedErrorsSurviveWrapping(t *testing.T) {
	errLocked := New(TooMany, "Too many attempts.")
	e := Wrap(errLocked, io.ErrUnexpectedEOF)
	e.RetryAfter = time.Minute
	wrapped := fmt.Errorf("sign in: %w", e)
	if !errors.Is(wrapped, errLocked) {
		t.Fatal("errors.Is does not see the sentinel through Wrap and %w")
	}
	if !errors.Is(wrapped, io.ErrUnexpectedEOF) {
		t.Fatal("errors.Is does not see the cause")
	}
	if CodeOf(wrapped) != TooMany || MessageOf(wrapped) != "Too many attempts." || RetryAfterOf(wrapped) != time.Minute {
		t.Fatalf("code %v, message %q, retry %v", CodeOf(wrapped), MessageOf(wrapped), RetryAfterOf(wrapped))
	}
	if errors.Is(wrapped, New(TooMany, "Another message.")) {
		t.Fatal("a sentinel with another message matched")
	}
}

func TestUnclassifiedErrorsShowNothingInternal(t *testing.T) {
	err := fmt.Errorf("query users: %w", errors.New("connection refused to 10.0.0.5"))
	if CodeOf(err) != Internal || MessageOf(err) != "internal error" {
		t.Fatalf("code %v, message %q", CodeOf(err), MessageOf(err))
	}
	if MessageOf(Wrap(New(Internal, "db detail"), err)) != "internal error" {
		t.Fatal("an Internal fault's message was shown")
	}
}

func TestCodeNamesAreStable(t *testing.T) {
	want := map[Code]string{Internal: "internal", Invalid: "invalid", Unauthenticated: "unauthenticated", Forbidden: "forbidden",
		NotFound: "not_found", Conflict: "conflict", TooMany: "too_many", TooLarge: "too_large", Unavailable: "unavailable", Code(99): "internal"}
	for c, name := range want {
		if c.String() != name {
			t.Errorf("Code(%d).String() = %q, want %q", c, c.String(), name)
		}
	}
	if Invalidf("field %q is too long (max %d)", "name", 10).Message != `field "name" is too long (max 10)` {
		t.Fatal("Invalidf did not format")
	}
}
