package rest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestConflictWithoutRecordFetchesIt: a 409 that says only {"error":"conflict"} (the seed's
// client takes the whole body then) is completed with GET /{kind}/{id}, single or batched.
func TestConflictWithoutRecordFetchesIt(t *testing.T) {
	tests := []struct {
		name     string
		get      http.HandlerFunc
		want     core.PushStatus
		wantRec  bool
		wantCode core.Code // whole-call error
	}{
		{"found", reply(200, `{"id":"n1","t":"server","updated_at":"2026-01-01T00:00:05.000123Z","deleted_at":null}`), core.PushConflict, true, ""},
		{"soft-deleted: 404", reply(404, `{"error":"Todo not found"}`), core.PushConflict, false, ""},
		{"server down", reply(503, `{"error":"down"}`), core.PushRetry, false, ""},
		{"another record", reply(200, `{"id":"zz","updatedAt":"v"}`), 0, false, core.CodeProtocol},
		{"auth", reply(401, `{"error":"unauthorized"}`), 0, false, core.CodeAuth},
	}
	for _, batch := range []bool{false, true} {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				c := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
					switch {
					case r.Method == http.MethodGet:
						tc.get(w, r)
					case r.URL.Path == "/batch":
						reply(200, `{"results":[{"opId":"op-n1","statusCode":409,"error":{"error":"conflict","message":"modified"}}]}`)(w, r)
					default:
						reply(409, `{"error":"conflict","message":"Data has been modified on server"}`)(w, r)
					}
				})
				mod := single
				if batch {
					mod = nil
				}
				res, err := newTransport(t, c.srv.URL, mod).Push(ctx(t), []core.Op{upsert("n1", `{"id":"n1","t":"mine"}`, "v1")})
				if tc.wantCode != "" {
					assert.Equal(t, tc.wantCode, coreErr(t, err).Code, "%v", err)
					return
				}
				if tc.want == core.PushRetry && !batch {
					// The only op failing to be answered fails the single-op call as a whole.
					assert.Equal(t, core.CodeServer, coreErr(t, err).Code, "%v", err)
					return
				}
				require.NoError(t, err)
				require.Len(t, res, 1)
				assert.Equal(t, tc.want, res[0].Status)
				assert.Equal(t, 409, res[0].HTTPStatus)
				if tc.wantRec {
					require.NotNil(t, res[0].Record)
					assert.Equal(t, "2026-01-01T00:00:05.000123Z", res[0].Record.UpdatedAt)
					assert.False(t, res[0].Record.Deleted, "deleted_at null is a live record")
				} else {
					assert.Nil(t, res[0].Record)
				}
				var gets int
				for _, r := range c.requests() {
					if r.Method == http.MethodGet {
						gets++
						assert.Equal(t, "/note/n1", r.Path)
					}
				}
				assert.Equal(t, 1, gets, "one fetch completes the 409")
			})
		}
	}
}
