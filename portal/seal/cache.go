package seal

import (
	"container/list"
	"sync"
	"time"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// dataKey is an owner's unwrapped keyset, ready to use.
type dataKey struct {
	aead   tink.AEAD
	keyIDs []uint32 // every key in the keyset; the primary seals
	loaded time.Time
}

// has reports whether the keyset holds key id.
func (d *dataKey) has(id uint32) bool {
	for _, k := range d.keyIDs {
		if k == id {
			return true
		}
	}
	return false
}

// cache is a bounded LRU of data keys with a maximum age, safe for
// concurrent use. Its generation counter lets a rotation fence off loads that
// started before it: such a load may have read the old keyset and must not
// store it.
type cache struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	order *list.List // of *cacheItem, most recently used first
	items map[string]*list.Element
	gen   uint64
}

type cacheItem struct {
	owner string
	key   *dataKey
}

func newCache(max int, ttl time.Duration) *cache {
	return &cache{max: max, ttl: ttl, order: list.New(), items: make(map[string]*list.Element)}
}

// get returns owner's data key unless it is absent or older than the TTL.
func (c *cache) get(owner string, now time.Time) (*dataKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[owner]
	if !ok {
		return nil, false
	}
	item := el.Value.(*cacheItem)
	if now.Sub(item.key.loaded) > c.ttl {
		c.remove(el)
		return nil, false
	}
	c.order.MoveToFront(el)
	return item.key, true
}

// generation returns the counter to pass to put for a load starting now.
func (c *cache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores a data key loaded since generation gen, unless an
// invalidation happened in between; it evicts the least recently used key
// when full.
func (c *cache) put(owner string, key *dataKey, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if el, ok := c.items[owner]; ok {
		el.Value.(*cacheItem).key = key
		c.order.MoveToFront(el)
		return
	}
	c.items[owner] = c.order.PushFront(&cacheItem{owner: owner, key: key})
	for c.order.Len() > c.max {
		c.remove(c.order.Back())
	}
}

// invalidate drops owner's key and fences off loads in flight.
func (c *cache) invalidate(owner string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if el, ok := c.items[owner]; ok {
		c.remove(el)
	}
}

// len returns the number of cached keys.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func (c *cache) remove(el *list.Element) {
	c.order.Remove(el)
	delete(c.items, el.Value.(*cacheItem).owner)
}
