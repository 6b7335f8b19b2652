"""Bulk import of faculty and resident profiles from a spreadsheet (CSV or XLSX): an editorial tool.

The service is independent of the web: the `import_people` management command and the admin's
"Import people" screens (views, hooks, tasks) both call `service.run_import`, which does, in one
transaction:

1. reading (`reading.read_table`): the file's bytes become a `Table` of rows, or an
   `ImportFileError` with a message a person can act on (wrong format, wrong encoding, too big,
   empty, bad header...);
2. validating (`validating.clean_row`) and planning (`planning.build_plan`): every row is checked,
   and for each person the plan says whether the import creates, updates or leaves the profile
   unchanged, and which columns change. Row errors are collected, never raised;
3. writing (`writing.apply_plan`): every row or nothing.

Matching: by the `id` column (`PersonPage.external_id`) when given, otherwise by email
(case-insensitive), otherwise by name within the same type; across both faculty and resident
profiles. A column left out of the file leaves that field alone; an empty cell in a column that is
present clears the field.

Incoming values are compared with each profile's latest revision, so importing the same file twice
changes nothing and saves no new revisions. Publishing never publishes somebody else's pending work:
when a profile already has unpublished changes (a draft, or a change waiting for review) the import
saves its update as a new draft on top of them and leaves publishing to the reviewer.

The importer sits above `people` and `programs` (it imports them; they never import it).
"""
