package chat

import (
	"math/bits"
	"sync"
)

// pubShards is the number of publication locks users are spread over.
const pubShards = 64

// pubLocks make "commit and publish" atomic with respect to the snapshot a
// resume takes: the committer read-locks the shards of every recipient from
// just before COMMIT until its events are published, and a resume
// write-locks its user's shard while it reads the positions it will replay
// to. So an event is either published before the snapshot (and held, then
// filtered, or replayed) or committed after it (and delivered live): never
// replayed and delivered both.
type pubLocks [pubShards]sync.RWMutex

func pubShard(user int64) uint { return uint(uint64(user) % pubShards) }

// rlockUsers read-locks the shards of users, in shard order (so lockers
// never deadlock), and returns the function that unlocks them.
func (p *pubLocks) rlockUsers(users []int64) func() {
	var set uint64
	for _, u := range users {
		set |= 1 << pubShard(u)
	}
	for m := set; m != 0; m &= m - 1 {
		p[bits.TrailingZeros64(m)].RLock()
	}
	return func() {
		for m := set; m != 0; m &= m - 1 {
			p[bits.TrailingZeros64(m)].RUnlock()
		}
	}
}

// lockUser write-locks the user's shard and returns its unlock function.
func (p *pubLocks) lockUser(user int64) func() {
	l := &p[pubShard(user)]
	l.Lock()
	return l.Unlock
}
