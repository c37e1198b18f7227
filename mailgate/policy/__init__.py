"""The policy engine: rules find, the chain decides, the workflow acts.

Recognizers (one per entity type) find personal data; rules (one module per
reason) turn what is found into findings; the chain runs every rule and
decides the verdict. The policy itself is data in policies/.
"""
