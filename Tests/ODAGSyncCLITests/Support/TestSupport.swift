// Every file of this target uses the shared test support (temporary folders, child processes), as it
// used this target's own helpers before they moved there.
@_exported import ODAGTestSupport
