package core

import (
	"github.com/offsync/offsync/internal/jsonv"
	"github.com/offsync/offsync/internal/sortx"
)

// preserveMerge is autoPreserve's resolution data for c (PreservingMerge) with its
// "dataMerged" event, which says where each field came from.
func preserveMerge(c Conflict) (RawJSON, Event, error) {
	local, err := DecodeObject(c.Local)
	if err != nil {
		return nil, Event{}, err
	}
	server, err := DecodeObject(c.Server)
	if err != nil {
		return nil, Event{}, err
	}
	merged := PreservingMerge(local, server, c.ChangedFields)
	data, err := EncodeObject(merged)
	if err != nil {
		return nil, Event{}, err
	}
	lf, sf := mergeSources(server, merged)
	ev := Event{Type: EventDataMerged, Kind: c.Kind, ID: c.EntityID, LocalFields: lf, ServerFields: sf}
	return data, ev, nil
}

// mergeSources sorts the merged record's top-level fields (system fields aside) by origin: a
// field is local when its merged value is not the server's, and the server's when the server
// has it and its value stayed, or went into a list union or nested merge with the local one.
func mergeSources(server, merged map[string]any) (localFields, serverFields []string) {
	localFields, serverFields = []string{}, []string{}
	for k, mv := range merged {
		if mergeSystemFields[k] {
			continue
		}
		sv, inServer := server[k]
		fromLocal := !inServer || !jsonv.Equal(sv, mv)
		if fromLocal {
			localFields = append(localFields, k)
		}
		if inServer && (!fromLocal || sameContainer(sv, mv)) {
			serverFields = append(serverFields, k)
		}
	}
	sortx.Strings(localFields)
	sortx.Strings(serverFields)
	return localFields, serverFields
}

// sameContainer: a and b are both objects or both lists (PreservingMerge combined them).
func sameContainer(a, b any) bool {
	switch a.(type) {
	case map[string]any:
		_, ok := b.(map[string]any)
		return ok
	case []any:
		_, ok := b.([]any)
		return ok
	}
	return false
}
