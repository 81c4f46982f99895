Feature: AWS steps against the stack's AWS emulator
  Buckets, queues and tables are the scenario's own (named with its run id) and removed afterwards.

  Scenario: a registration goes from the queue to the table and the bucket
    Given the queue "registrations" exists
    And the table "fans" exists with key "pk" and sort key "sk"
    And the bucket "reports" exists
    And the registration worker is running
    When a message is sent to queue "registrations":
      """
      {"fan_id": "f-${run_id}", "event": "ev-1"}
      """
    Then an item in table "fans" matches within 20 seconds:
      | field  | value           |
      | pk     | fan#f-${run_id} |
      | sk     | ev-1            |
      | status | registered      |
    And the object "registrations/f-${run_id}.json" exists in bucket "reports" within 20 seconds with content:
      """
      {"fan_id": "f-${run_id}", "event": "ev-1", "status": "registered"}
      """
    And it has fields:
      | status | registered |

  Scenario: the steps' own writes, read back
    Given the queue "outbox" exists
    And the table "scores" exists with key "pk"
    And the bucket "exports" exists
    When a message is sent to queue "outbox":
      """
      {"kind": "a", "n": 1}
      """
    And a message is sent to queue "outbox":
      """
      {"kind": "b", "fan": {"id": "f-2"}}
      """
    And an item is put in table "scores":
      """
      {"pk": "fan#1", "score": 12, "ratio": 0.25, "tags": ["gold"]}
      """
    And the object "notes/readme.txt" is put in bucket "exports":
      """
      plain text, not JSON
      """
    Then a message on queue "outbox" matches:
      | fan.id | f-2 |
    And a message on queue "outbox" matches within 5 seconds:
      """
      {"kind": "a", "n": 1}
      """
    And an item in table "scores" matches:
      """
      {"pk": "fan#1", "score": 12, "ratio": 0.25}
      """
    And the object "notes/readme.txt" exists in bucket "exports" with content:
      """
      plain text, not JSON
      """
