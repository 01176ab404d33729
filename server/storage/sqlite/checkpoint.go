package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// checkpointEvery spaces background checkpoints: pages rewritten by many batches meanwhile are
// copied into the database file once.
const checkpointEvery = 200 * time.Millisecond

// checkpointer copies the WAL into the database file on its own connection, after writes, at
// most every checkpointEvery. PASSIVE never blocks the writer, so no request pays for a
// checkpoint (inside a commit it cost that request tens of ms); the writer's autocheckpoint
// stays as a backstop at a higher mark.
type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	stop context.CancelFunc
	done chan struct{}
}

func startCheckpointer(db *sql.DB) *checkpointer {
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: stop, done: make(chan struct{})}
	go c.run(ctx)
	return c
}

// wrote tells the checkpointer that the WAL grew; it never waits.
func (c *checkpointer) wrote() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run(ctx context.Context) {
	defer close(c.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kick:
		}
		// An error leaves the pages in the WAL; the next round or the writer's autocheckpoint
		// copies them.
		c.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		select {
		case <-ctx.Done():
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// close stops the goroutine and closes its connection.
func (c *checkpointer) close() error {
	c.stop()
	<-c.done
	return c.db.Close()
}
