-- A round's review order and its groups of near-duplicates, beside its scores.
-- queue: int32 record ids in the order the analyst reviews them (NULL: by descending score).
-- groups: an int32 group number per record id in [1, count], like scores (NULL: none computed).
ALTER TABLE scores ADD COLUMN queue BLOB;
ALTER TABLE scores ADD COLUMN groups BLOB;
