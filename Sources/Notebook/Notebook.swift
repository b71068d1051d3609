// The Notebook layer: see Package.swift for what it holds. Sources arrive with its issue.
