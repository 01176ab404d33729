package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPushedEventsWhateverTheAckOrder(t *testing.T) {
	ops := []Op{{OpID: "a", Kind: "note", EntityID: "1"}, {OpID: "b", Kind: "note", EntityID: "2"}, {OpID: "c", Kind: "task", EntityID: "3"}}
	results := []PushResult{{HTTPStatus: 201}, {HTTPStatus: 409}, {HTTPStatus: 204}}
	for name, acks := range map[string][]Ack{
		"in order":     {{Op: ops[0]}, {Op: ops[2]}},
		"out of order": {{Op: ops[2]}, {Op: ops[0]}},
	} {
		got := map[string]int{}
		for _, ev := range pushedEvents(acks, ops, results) {
			assert.Equal(t, EventOperationPushed, ev.Type, name)
			got[ev.Kind+"/"+ev.ID+"/"+ev.OpID] = ev.StatusCode
		}
		assert.Equal(t, map[string]int{"note/1/a": 201, "task/3/c": 204}, got, name)
	}
	assert.Nil(t, pushedEvents(nil, ops, results))
}
