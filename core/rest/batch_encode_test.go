package rest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestAppendBatchMatchesMarshal: the hand-written body decodes to what json.Marshal's does.
func TestAppendBatchMatchesMarshal(t *testing.T) {
	tests := []struct {
		name string
		ops  []batchOp
	}{
		{"none", []batchOp{}},
		{"plain", []batchOp{
			{OpID: "op1", Kind: "note", ID: "n1", Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"n1", "t": [1, 2]}`)},
			{OpID: "op2:r1", Kind: "note", ID: "n2", Type: core.OpDelete, BaseUpdatedAt: "2026-11-26T01:02:03Z", Force: true},
		}},
		{"escapes", []batchOp{
			{OpID: "a\"b\\c", Kind: "k", ID: "line\nbreak\u0001", Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"x"}`)},
			{OpID: "ü<&>\u2028", Kind: "k", ID: "\xff\xfe", Type: core.OpDelete, BaseUpdatedAt: "v\t1"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := appendBatch(nil, tc.ops)
			require.True(t, json.Valid(got), "%s", got)
			want, err := json.Marshal(struct {
				Ops []batchOp `json:"ops"`
			}{tc.ops})
			require.NoError(t, err)
			var g, w any
			require.NoError(t, json.Unmarshal(got, &g))
			require.NoError(t, json.Unmarshal(want, &w))
			assert.Equal(t, w, g)
			assert.LessOrEqual(t, len(got), batchSize(tc.ops))
		})
	}
}

// BenchmarkBatchBody compares the hand-written body of 100 ops with json.Marshal's.
func BenchmarkBatchBody(b *testing.B) {
	ops := make([]batchOp, 100)
	for i := range ops {
		ops[i] = batchOp{OpID: "8f14e45f-ceea-467a-9575-6a1d2d1f4e0b", Kind: "note", ID: "00000042-0000-4000-8000-000000000000",
			Type: core.OpUpsert, BaseUpdatedAt: "2026-11-26T01:02:03.000042Z",
			Payload: core.RawJSON(`{"id":"00000042-0000-4000-8000-000000000000","date":"2026-11-05","mood":3,"notes":"a journal entry of ordinary length","tags":["work","sleep"]}`)}
	}
	b.Run("hand", func(b *testing.B) {
		for b.Loop() {
			_ = appendBatch(make([]byte, 0, batchSize(ops)), ops)
		}
	})
	b.Run("marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(struct {
				Ops []batchOp `json:"ops"`
			}{ops}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
