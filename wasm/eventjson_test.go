//go:build !js

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/wire"
)

// The hand-written "operationPushed" encoding is byte for byte wire.AppendEvent's (which
// core/wire's test holds to encoding/json's).
func TestAppendEventsIsWireAppendEvent(t *testing.T) {
	pushed := func(kind, id, opID string, status int) core.Event {
		return core.Event{Type: core.EventOperationPushed, Kind: kind, ID: id, OpID: opID, StatusCode: status}
	}
	batches := [][]core.Event{
		{},
		{pushed("note", "n1", "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab", 201)},
		{pushed("note", "a\"b\\c", "op", 200), pushed("k", "ü<&>\u2028\x01", "op2", 0), pushed("", "", "", 0)},
		{pushed("note", "bad utf8 \xff", "op", 204), {Type: core.EventStatus, Status: &core.Status{Pending: 2}}},
		{{Type: core.EventOperationPushed, Kind: "note", ID: "n1", Err: core.Errorf(core.CodeServer, "push", "x")}},
		{{Type: core.EventError, Phase: "pull", StatusCode: 503, Err: &core.Error{Code: core.CodeServer, HTTPStatus: 503}}},
	}
	for _, batch := range batches {
		want := []byte{'['}
		for i, ev := range batch {
			if i > 0 {
				want = append(want, ',')
			}
			want = wire.AppendEvent(want, ev)
		}
		want = append(want, ']')
		got, err := appendEvents(nil, batch)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}

func BenchmarkAppendEventsOpPushed(b *testing.B) {
	batch := make([]core.Event, 100)
	for i := range batch {
		batch[i] = core.Event{Type: core.EventOperationPushed, Kind: "note", ID: "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab", OpID: "1b1c2d3e-aaaa-bbbb-cccc-0123456789ab", StatusCode: 201}
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := appendEvents(make([]byte, 0, 160*len(batch)), batch); err != nil {
			b.Fatal(err)
		}
	}
}
