// The ODAG emulator: see Emulator.swift.
