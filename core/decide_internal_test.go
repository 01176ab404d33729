package core

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A strategy decide does not know fails the conflict with an invalid error instead of being
// treated as another strategy.
func TestDecideUnknownStrategyFails(t *testing.T) {
	e := &Engine{cfg: Config{Strategy: "newStrategy"}, bus: newBus()}
	defer e.bus.close()
	c := Conflict{Kind: "notes", EntityID: "n1", Local: []byte(`{"id":"n1","a":1}`), Server: []byte(`{"id":"n1","a":2}`)}
	_, err := e.decide(context.Background(), Op{Kind: "notes", EntityID: "n1"}, c)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "newStrategy")

	e.cfg.Strategy = AutoPreserve
	res, err := e.decide(context.Background(), Op{Kind: "notes", EntityID: "n1"}, c)
	require.NoError(t, err)
	assert.Equal(t, Merged, res.Action, "a known strategy still decides")
}
