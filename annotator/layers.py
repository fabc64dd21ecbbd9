"""Names of layers every database knows, in a module that imports nothing
(the export's helper process reads them without loading the records)."""

# The layer of machine suggestions not yet accepted: left out of exports unless asked for.
SUGGEST = "suggest"
