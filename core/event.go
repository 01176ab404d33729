package core

// EventType names an engine event. The names are those of JS-API.md.
type EventType string

// Event types.
const (
	EventSyncStarted      EventType = "syncStarted"      // Phase ("push" first); Kinds
	EventProgress         EventType = "progress"         // Phase, Kind, Done, Total
	EventCompleted        EventType = "completed"        // Stats (also after a failed sync, with Err set)
	EventConflict         EventType = "conflict"         // Conflict
	EventConflictResolved EventType = "conflictResolved" // Conflict, Resolution, Discarded
	EventOpParked         EventType = "opParked"         // Parked
	EventError            EventType = "error"            // Err; Phase ("push" | "pull") and StatusCode when known
	EventChange           EventType = "change"           // Kind, IDs, Origin; Records when local
	EventStatus           EventType = "status"           // Status
	EventFullResync       EventType = "fullResync"       // Reason ("manual" | "interval"), ClearData

	// The seed's per-op and merge events (JS-API.md "Seed parity additions").
	EventOperationPushed    EventType = "operationPushed"    // Kind, ID, OpID, StatusCode: the server acknowledged the op
	EventOperationFailed    EventType = "operationFailed"    // Kind, ID, OpID, StatusCode (0: no answer), Err: one attempt failed
	EventConflictUnresolved EventType = "conflictUnresolved" // Conflict: deferred (kept in the outbox and in Conflicts)
	EventDataMerged         EventType = "dataMerged"         // Kind, ID, LocalFields, ServerFields: autoPreserve merged a conflict
)

// Change origins.
const (
	OriginLocal = "local" // this engine's Put/Delete/Enqueue
	OriginSync  = "sync"  // pulled or acknowledged data, conflict resolutions
)

// Stats sums up one sync run.
type Stats struct {
	Pushed            int   `json:"pushed"`
	Pulled            int   `json:"pulled"`
	Conflicts         int   `json:"conflicts"`
	ConflictsResolved int   `json:"conflictsResolved"`
	Errors            int   `json:"errors"`
	DurationMs        int64 `json:"durationMs"`
}

// Status is the engine's state as the app shows it.
type Status struct {
	Online       bool  `json:"online"` // the last server call reached the server
	Syncing      bool  `json:"syncing"`
	Pending      int   `json:"pending"`
	LastSyncedAt int64 `json:"lastSyncedAt,omitempty"` // Unix ms of the last successful sync, 0 never
}

// Event is one item of the engine's event stream. Only the fields named for its Type are set.
// wire.AppendEvent writes the JSON the JS layer dispatches (Err as {code, retryable, message}).
type Event struct {
	Type       EventType   `json:"type"`
	Phase      string      `json:"phase,omitempty"`
	Kind       string      `json:"kind,omitempty"`
	Kinds      []string    `json:"kinds,omitempty"`
	Done       int         `json:"done,omitempty"`
	Total      int         `json:"total,omitempty"`
	Stats      *Stats      `json:"stats,omitempty"`
	Conflict   *Conflict   `json:"conflict,omitempty"`
	Resolution *Resolution `json:"resolution,omitempty"`
	// Discarded says what a resolution dropped: field names, or "delete" / "record" when a
	// whole delete or record lost (ARCHITECTURE.md rule 10).
	Discarded []string  `json:"discarded,omitempty"`
	Parked    *ParkedOp `json:"parked,omitempty"`
	Err       error     `json:"-"`
	IDs       []string  `json:"ids,omitempty"`
	// Records are a local change's stored records, parallel to IDs (null for a delete).
	Records   []RawJSON `json:"records,omitempty"`
	Origin    string    `json:"origin,omitempty"`
	Status    *Status   `json:"status,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	ClearData bool      `json:"clearData,omitempty"`

	ID         string `json:"id,omitempty"`   // the entity of a per-op or merge event
	OpID       string `json:"opId,omitempty"` // the op of a per-op event
	StatusCode int    `json:"statusCode,omitempty"`
	// LocalFields and ServerFields are the top-level fields (system fields aside) a merge took
	// from the local record and from the server's; a field both sides went into (a list union,
	// a nested merge) is in both.
	LocalFields  []string `json:"localFields,omitempty"`
	ServerFields []string `json:"serverFields,omitempty"`
}
