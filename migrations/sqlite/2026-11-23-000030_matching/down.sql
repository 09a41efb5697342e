DROP TABLE matching_fts;
DROP TABLE matching_introductions;
DROP TABLE matching_suggestion_overrides;
DROP TABLE matching_offerings;
DROP TABLE matching_needs;
