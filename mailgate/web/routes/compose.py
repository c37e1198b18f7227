"""(not built yet)"""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
