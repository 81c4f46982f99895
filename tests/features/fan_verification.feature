@integration @kafka @mongo @redis
Feature: Fan verification
  The verification service consumes fan.verified Avro events, stores a verification record in
  Mongo, caches it in Redis and announces it on verification.recorded (JSON).

  Background:
    Given the topic "fan.verified" is watched
    And the topic "verification.recorded" is watched
    And the verification service is running
    And the variable "fan_id" is "fan-${run_id}"

  Scenario: A verified fan is recorded, cached and announced
    When an Avro event with key "${fan_id}" is sent to topic "fan.verified" with schema "schemas/fan_verified.avsc":
      """
      {"fanId": "${fan_id}", "eventId": "evt-1", "verified": true, "score": 0.93, "source": "spotify"}
      """
    Then a document in collection "verifications" matches within 30 seconds:
      """
      {"fanId": "${fan_id}"}
      """
    And it matches the JSON schema "schemas/verification.schema.json"
    And it has fields:
      | field   | value      |
      | status  | "verified" |
      | score   | 0.93       |
      | eventId | evt-1      |
    And the Redis key "verification:${fan_id}" matches within 10 seconds:
      """
      {"fanId": "${fan_id}", "status": "verified"}
      """
    And a message on topic "verification.recorded" matches within 30 seconds:
      """
      {"fanId": "${fan_id}", "status": "verified"}
      """
    And it matches the JSON schema "schemas/recorded.schema.json"

  Scenario: A rejection replaces a stale cache entry
    Given the Redis key "verification:${fan_id}" is set to:
      """
      {"fanId": "${fan_id}", "status": "pending"}
      """
    When an Avro event with key "${fan_id}" is sent to topic "fan.verified" with schema "schemas/fan_verified.avsc":
      """
      {"fanId": "${fan_id}", "eventId": "evt-2", "verified": false, "score": 0.12, "source": "manual"}
      """
    Then a document in collection "verifications" matches within 30 seconds:
      """
      {"fanId": "${fan_id}", "status": "rejected", "score": {"$lt": 0.5}}
      """
    And the Redis key "verification:${fan_id}" matches within 10 seconds:
      """
      {"status": "rejected"}
      """

  Scenario: A record written by another service is found and cached keys can be absent
    When a document is inserted into collection "verifications":
      """
      {"fanId": "${fan_id}", "eventId": "legacy-1", "status": "verified", "score": 1.0, "source": "manual"}
      """
    Then a document in collection "verifications" matches:
      """
      {"eventId": "legacy-1"}
      """
    And it has fields:
      """
      {"fanId": "${fan_id}", "status": "verified"}
      """
    And the Redis key "verification:${fan_id}" does not exist
