package seal

import (
	"testing"
	"time"
)

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newCache(2, time.Hour)
	now := time.Now()
	key := func() *dataKey { return &dataKey{loaded: now} }
	c.put("a", key(), c.generation())
	c.put("b", key(), c.generation())
	if _, ok := c.get("a", now); !ok { // a is now the most recently used
		t.Fatal("a missing")
	}
	c.put("c", key(), c.generation())
	if _, ok := c.get("b", now); ok {
		t.Fatal("b survived; the least recently used key should be evicted")
	}
	for _, o := range []string{"a", "c"} {
		if _, ok := c.get(o, now); !ok {
			t.Fatalf("%s evicted", o)
		}
	}
}

func TestCacheExpires(t *testing.T) {
	c := newCache(10, time.Minute)
	now := time.Now()
	c.put("a", &dataKey{loaded: now}, c.generation())
	if _, ok := c.get("a", now.Add(2*time.Minute)); ok {
		t.Fatal("expired key returned")
	}
	if c.len() != 0 {
		t.Fatal("expired key kept")
	}
}

func TestCacheInvalidationFencesOffOlderLoads(t *testing.T) {
	c := newCache(10, time.Hour)
	now := time.Now()
	gen := c.generation() // a load starts
	c.invalidate("a")     // a rotation commits meanwhile
	c.put("a", &dataKey{loaded: now}, gen)
	if _, ok := c.get("a", now); ok {
		t.Fatal("a load that began before the rotation was cached")
	}
	c.put("a", &dataKey{loaded: now}, c.generation())
	if _, ok := c.get("a", now); !ok {
		t.Fatal("a load after the rotation was not cached")
	}
}
